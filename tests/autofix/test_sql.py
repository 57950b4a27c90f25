"""SQL codemod: placeholders in the driver's style, or a refusal if that would change the query."""

from __future__ import annotations

from tests.autofix.helpers import assert_fixed, bandit, declined, finding_at

SQLITE_BEFORE = '''import sqlite3


def find(db: sqlite3.Connection, name, min_age, term):
    cur = db.cursor()
    cur.execute(f"SELECT * FROM users WHERE name = '{name}' AND age >= {min_age}")
    query = """
        SELECT id FROM posts
        WHERE title LIKE '%""" + term + """%' AND status = 'it''s'
    """
    cur.execute(query)
    db.execute("DELETE FROM sessions WHERE user = '%s'" % name)
    db.execute("UPDATE users SET bio = '{}' WHERE id = {id}".format(term, id=str(min_age)))
'''
SQLITE_AFTER = '''import sqlite3


def find(db: sqlite3.Connection, name, min_age, term):
    cur = db.cursor()
    cur.execute("SELECT * FROM users WHERE name = ? AND age >= ?", (name, min_age))
    query = """
        SELECT id FROM posts
        WHERE title LIKE ? AND status = 'it''s'
    """
    cur.execute(query, (f"%{term}%",))
    db.execute("DELETE FROM sessions WHERE user = ?", (name,))
    db.execute("UPDATE users SET bio = ? WHERE id = ?", (term, min_age))
'''


def test_sqlite_qmark_placeholders():
    findings = bandit(SQLITE_BEFORE, "B608")
    findings.append(
        finding_at(SQLITE_BEFORE, "devsecbots.flask.sql-injection", "cur.execute(query)")
    )
    assert_fixed(SQLITE_BEFORE, SQLITE_AFTER, findings)
    assert bandit(SQLITE_AFTER, "B608") == []


def test_psycopg2_format_placeholders_double_literal_percent_signs():
    before = (
        "import psycopg2\n\n\ndef q(cur, n):\n"
        "    cur.execute(\"SELECT 100 %% 7, '50%' FROM t WHERE n = \" + n)\n"
    )
    before = before.replace("%%", "%")
    after = (
        "import psycopg2\n\n\ndef q(cur, n):\n"
        "    cur.execute(\"SELECT 100 %% 7, '50%%' FROM t WHERE n = %s\", (n,))\n"
    )
    assert_fixed(before, after, [finding_at(before, "B608", "cur.execute", source_name="bandit")])


def test_sqlalchemy_text_named_binds():
    before = """from sqlalchemy import create_engine


def load(engine, user, org):
    with engine.connect() as conn:
        return conn.execute(f"SELECT * FROM t WHERE owner = '{user.id}' AND org = {org}").all()
"""
    after = (
        """from sqlalchemy import create_engine, text


def load(engine, user, org):
    with engine.connect() as conn:
        return conn.execute(text("SELECT * FROM t WHERE owner = :id AND org = :org"), """
        """{"id": user.id, "org": org}).all()
"""
    )
    assert_fixed(before, after, [finding_at(before, "B608", "conn.execute", source_name="bandit")])


def test_an_arithmetic_operand_is_a_value_a_star_or_a_comment_is_not():
    before = (
        "import sqlite3\n\n\ndef restock(cur, qty, sku):\n"
        "    cur.execute(f\"UPDATE stock SET qty = qty + {qty} WHERE sku = '{sku}'\")\n"
    )
    after = (
        "import sqlite3\n\n\ndef restock(cur, qty, sku):\n"
        '    cur.execute("UPDATE stock SET qty = qty + ? WHERE sku = ?", (qty, sku))\n'
    )
    assert_fixed(before, after, [finding_at(before, "B608", "cur.execute", source_name="bandit")])
    declined_source = (
        "import sqlite3\n\n\ndef q(cur, rest, note):\n"
        '    cur.execute(f"SELECT * {rest}")\n'
        '    cur.execute(f"SELECT a FROM t -- {note}")\n'
    )
    findings = [
        finding_at(declined_source, "B608", needle, source_name="bandit")
        for needle in ("rest}", "note}")
    ]
    reasons = declined(declined_source, findings)
    assert len(reasons) == 2 and all("not in a value position" in r for r in reasons), reasons


def test_identifiers_fragments_and_unknown_drivers_are_declined():
    source = """import sqlite3


def sort(cur, column, where):
    cur.execute(f"SELECT * FROM t ORDER BY {column}")
    cur.execute("SELECT * FROM t WHERE " + where)
    cur.execute(f"SELECT * FROM {column}_archive WHERE a = 1", ())
"""
    findings = [
        finding_at(source, "B608", needle, source_name="bandit")
        for needle in ("ORDER BY", 'WHERE " +', "archive")
    ]
    reasons = declined(source, findings)
    assert "'column' is not in a value position" in reasons[0]
    assert "'where' is not in a value position" in reasons[1]
    assert "already takes parameters" in reasons[2]
    unknown = 'def q(db, n):\n    db.execute(f"SELECT * FROM t WHERE n = {n}")\n'
    assert (
        "driver is not recognisable"
        in declined(unknown, [finding_at(unknown, "B608", "execute")])[0]
    )


def test_a_list_joined_into_the_text_is_declined_not_bound_as_one_string():
    source = """import sqlite3


def drop(conn, ids):
    conn.execute("DELETE FROM blobs WHERE sha IN ('%s')" % "','".join(ids))
    conn.execute(f"DELETE FROM blobs WHERE id IN ({', '.join(ids)})")
"""
    findings = [
        finding_at(source, "B608", needle, source_name="bandit") for needle in ("sha IN", "id IN")
    ]
    reasons = declined(source, findings)
    assert len(reasons) == 2, reasons
    assert all("splices a list into the SQL text" in reason for reason in reasons)


def test_multi_line_calls_keep_their_layout():
    before = """import sqlite3


def login(db, user):
    row = db.execute(
        "SELECT id FROM users WHERE name = '%s'" % user
    ).fetchone()
    db.execute(
        "INSERT INTO audit (who, what, detail) VALUES ('" + user + "', 'login', '" + str(row) + "')"
    )
"""
    after = """import sqlite3


def login(db, user):
    row = db.execute(
        "SELECT id FROM users WHERE name = ?", (user,)
    ).fetchone()
    db.execute(
        "INSERT INTO audit (who, what, detail) VALUES (?, 'login', ?)", (user, row)
    )
"""
    findings = [finding_at(before, "B608", n, source_name="bandit") for n in ("SELECT", "INSERT")]
    assert_fixed(before, after, findings)
