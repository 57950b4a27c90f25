"""Monthly reports with Flask-SQLAlchemy raw queries."""

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///reports.db"
app.secret_key = "reports"
db = SQLAlchemy(app)


@app.route("/reports/<int:year>")
def yearly(year):
    region = request.args.get("region", "EU")
    rows = db.session.execute(
        text(f"SELECT month, total FROM sales WHERE year = {year} AND region = '{region}'")
    ).all()
    return jsonify([list(r) for r in rows])


@app.route("/customers")
def customers():
    name = request.args.get("name", "")
    query = f"SELECT id, name FROM customers WHERE name LIKE '{name}%'"
    result = db.session.execute(text(query))
    return jsonify([dict(r._mapping) for r in result])


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5001, debug=True)
