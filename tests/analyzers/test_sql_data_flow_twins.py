"""SQL text built by string formatting blocks when request data reaches it (the taint rules of
each framework), not because Bandit's B608 saw an f-string: table names, placeholders and
clauses the code chose are reported at low confidence (the engine's findings under the run's
default policy)."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

# name -> (file, safe body, unsafe body): the unsafe one puts request data into the SQL text
TWINS: dict[str, tuple[str, str, str]] = {
    "fastapi": (
        "app/api.py",
        """
        from fastapi import FastAPI

        app = FastAPI()
        TABLES = {"items": "shop_items"}

        async def purge(db, table: str, hold: int):
            await db.execute(f"DELETE FROM {table} WHERE age > {hold}")

        @app.get("/items")
        async def items(kind: str, db=None):
            query = f"SELECT * FROM {TABLES['items']} WHERE kind = :kind"
            return await db.fetch_all(query, {"kind": kind})
        """,
        """
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/items")
        async def items(kind: str, db=None):
            return await db.fetch_all(f"SELECT * FROM shop_items WHERE kind = '{kind}'")
        """,
    ),
    "flask": (
        "app/views.py",
        """
        import sqlite3
        from flask import Flask, request

        app = Flask(__name__)

        def count(cur, table):
            cur.execute("SELECT COUNT(*) FROM %s" % table)

        @app.route("/search")
        def search():
            cur = sqlite3.connect("app.db").cursor()
            cur.execute("SELECT * FROM items WHERE name = ?", (request.args["q"],))
            return "ok"
        """,
        """
        import sqlite3
        from flask import Flask, request

        app = Flask(__name__)

        @app.route("/search")
        def search():
            cur = sqlite3.connect("app.db").cursor()
            cur.execute("SELECT * FROM items WHERE name = '%s'" % request.args["q"])
            return "ok"
        """,
    ),
    "django": (
        "shop/views.py",
        """
        from django.db import connection
        from django.http import JsonResponse

        def rows(table):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id FROM {table}")
                return cursor.fetchall()

        def report(request):
            return JsonResponse({"rows": rows("shop_order")})
        """,
        """
        from django.db import connection
        from django.http import JsonResponse

        def report(request):
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM shop_order ORDER BY " + request.GET["sort"])
                return JsonResponse({"rows": cursor.fetchall()})
        """,
    ),
}


def _findings(path: str, body: str) -> list[tuple[dict, bool]]:
    files = {path: textwrap.dedent(body)}
    ctx = Context()
    found = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    return [(f, is_blocking(f, ctx.blocking_severity)) for f in found]


def _sql(found: list[tuple[dict, bool]]) -> list[tuple[dict, bool]]:
    return [(f, blocking) for f, blocking in found if f["cwe"].startswith("CWE-89")]


@pytest.mark.parametrize("name", TWINS)
def test_sql_text_the_code_chose_is_reported_not_blocking(name):
    path, safe, _ = TWINS[name]
    found = _sql(_findings(path, safe))
    assert found, "B608 should still report the formatted SQL"
    assert not any(blocking for _, blocking in found), found
    assert all(f["confidence"] == "low" for f, _ in found), found


@pytest.mark.parametrize("name", TWINS)
def test_request_data_in_sql_text_blocks(name):
    path, _, unsafe = TWINS[name]
    found = _sql(_findings(path, unsafe))
    assert any(
        blocking and f["rule_id"] == f"devsecbots.{name}.sql-injection" for f, blocking in found
    ), found
