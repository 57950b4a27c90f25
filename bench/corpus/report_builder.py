"""Ad-hoc HTML reports over the analytics database."""

import sqlite3

from jinja2 import Environment, PackageLoader

env = Environment(loader=PackageLoader("reports", "templates"), autoescape=False)


def top_pages(db_path, site, sort_column, limit):
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        f"SELECT path, hits FROM pages WHERE site = '{site}' ORDER BY {sort_column} DESC LIMIT {limit}"
    ).fetchall()
    return env.get_template("top.html").render(rows=rows)


def visitors(db_path, day):
    conn = sqlite3.connect(db_path)
    cursor = conn.cursor()
    cursor.execute("SELECT COUNT(*) FROM visits WHERE day = '" + day + "'")
    return cursor.fetchone()[0]


def archive_table(db_path, table):
    conn = sqlite3.connect(db_path)
    conn.execute(f"CREATE TABLE {table}_archive AS SELECT * FROM {table}")
