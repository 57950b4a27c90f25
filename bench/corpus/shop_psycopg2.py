"""Product search for a small shop (PostgreSQL)."""

import os

import psycopg2
from flask import Flask, request, render_template_string


class Config:
    SECRET_KEY = "shop-secret"
    DATABASE_URL = os.environ.get("DATABASE_URL", "dbname=shop")


app = Flask(__name__)
app.config.from_object(Config)


def connect():
    return psycopg2.connect(app.config["DATABASE_URL"])


@app.route("/search")
def search():
    term = request.args.get("q", "")
    max_price = request.args.get("max", "1000")
    with connect() as conn, conn.cursor() as cur:
        sql = "SELECT name, price FROM products WHERE name ILIKE '%" + term + "%' AND price <= " + max_price
        cur.execute(sql)
        rows = cur.fetchall()
    return render_template_string("<ul>{% for n, p in rows %}<li>{{ n }}: {{ p }}</li>{% endfor %}</ul>", rows=rows)


@app.route("/product/<sku>")
def product(sku):
    with connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT * FROM products WHERE sku = '{}'".format(sku))
        return str(cur.fetchone())


if __name__ == "__main__":
    app.run(debug=True, port=8080)
