"""Application factory for the team wiki."""

import os

from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "wiki.sqlite"),
    )
    if test_config is not None:
        app.config.update(test_config)

    @app.route("/health")
    def health():
        return "ok"

    return app


if __name__ == "__main__":
    create_app().run(host="0.0.0.0", port=int(os.environ.get("PORT", 8000)), debug=True)
