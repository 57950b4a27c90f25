"""Command-line inventory tool."""

import argparse
import sqlite3
import subprocess

import yaml


def load_rules(path):
    with open(path) as handle:
        return yaml.load(handle, Loader=yaml.FullLoader)


def count(conn, category):
    cur = conn.cursor()
    cur.execute("SELECT COUNT(*) FROM items WHERE category = '%s'" % category)
    return cur.fetchone()[0]


def low_stock(conn, threshold):
    query = "SELECT name FROM items WHERE qty < " + str(threshold)
    return [r[0] for r in conn.execute(query)]


def open_report(path):
    subprocess.run(["xdg-open", path], check=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("category")
    args = parser.parse_args()
    conn = sqlite3.connect("inventory.db")
    print(count(conn, args.category), low_stock(conn, 5))


if __name__ == "__main__":
    main()
