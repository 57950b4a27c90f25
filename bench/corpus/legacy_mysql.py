"""Legacy inventory lookups (MySQL via PyMySQL)."""

import pymysql


def connect():
    return pymysql.connect(host="db", user="inventory", password="inventory", database="stock")


def find_item(code):
    conn = connect()
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM items WHERE code = '{}'".format(code))
        return cur.fetchone()


def items_in(warehouse, min_qty):
    conn = connect()
    with conn.cursor() as cur:
        cur.execute("SELECT code, qty FROM items WHERE warehouse = '%s' AND qty >= %d" % (warehouse, min_qty))
        return cur.fetchall()


def rename(code, new_name):
    conn = connect()
    with conn.cursor() as cur:
        cur.execute(f"UPDATE items SET name = '{new_name}' WHERE code = '{code}'")
    conn.commit()
