"""A calculator endpoint and a settings importer."""

import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/calc")
def calc():
    expression = request.args.get("expr", "1+1")
    return str(eval(expression))


@app.post("/settings")
def import_settings():
    settings = yaml.load(request.data)
    return {"keys": sorted(settings)}


if __name__ == "__main__":
    app.run(debug=True)
