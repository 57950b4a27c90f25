"""The words that say what a value is for, shared by the analysers and the codemods.

A weak hash or a weak random draw is a weakness only where its result protects something. Both
SecBot (hash_purpose.py and random_purpose.py, which lower a finding) and DevBot
(autofix/security_use.py, which decides whether to edit a site) read that from the identifiers
around the value, with one vocabulary so that what one calls a security use the other does too.
"""

from __future__ import annotations

import ast
import re

_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Terms whose words would read as something else: a token bucket is a rate limiter, an API key a
# credential (while a cache key is not).
_TERMS = (
    (re.compile(r"(?i)token[_-]?bucket"), "Ratelimit"),
    (re.compile(r"(?i)api[_-]?key"), "Apikey"),
)

SECURITY_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "signature",
        "sign",
        "signed",
        "hmac",
        "mac",
        "auth",
        "credential",
        "credentials",
        "nonce",
        "salt",
        "otp",
        "pin",
        "session",
        "csrf",
        "apikey",
        "verify",
        "verification",
        "integrity",
        "reset",
        "cookie",
        "captcha",
        "xsrf",
    }
)
# A random draw nobody gains by guessing: a cache-busting key, a colour, a retry's jitter, a sample,
# fake data. Words that could name either ("key", "id", "code") are in neither list: they decide
# nothing, so `cache_key` is a cache's, `api_key` a credential, and a bare `key` is read further.
INCIDENTAL_WORDS = frozenset(
    {
        "cache",
        "cached",
        "bust",
        "buster",
        "cachebust",
        "cachebuster",
        "etag",
        "color",
        "colour",
        "jitter",
        "backoff",
        "delay",
        "sample",
        "sampling",
        "shuffle",
        "shuffled",
        "fake",
        "dummy",
        "demo",
        "placeholder",
    }
)
# A session key that later code may trust for who someone is or what they may do: request data
# stored under it crosses a trust boundary (CWE-501), while a search term or a locale does not.
PRIVILEGE_WORDS = frozenset(
    {
        "user",
        "userid",
        "uid",
        "username",
        "login",
        "logged",
        "account",
        "identity",
        "principal",
        "role",
        "admin",
        "superuser",
        "staff",
        "permission",
        "perm",
        "privilege",
        "authenticated",
        "authorized",
        "authorised",
        "owner",
        "group",
        "scope",
        "tenant",
        "level",
        "verified",
        "approved",
        "paid",
        "plan",
    }
)
# In the data being hashed these say the hash is keyed (a salt or the app's secret mixed in), not
# what the digest is for: a keyed digest can be a MAC or just a pseudonymous name, which the names
# the digest flows into decide.
KEYING_WORDS = frozenset({"secret", "salt"})


def words(name: str) -> set[str]:
    """The lower-case words of an identifier: `cacheKey`, `cache_key` -> {'cache', 'key'}."""
    for term, word in _TERMS:
        name = term.sub(word, name)
    return {w.lower() for w in _WORDS.findall(name)}


def words_and_singulars(name: str) -> set[str]:
    """The words of `name`, plurals also as their singular: `passwords.txt` speaks of a password."""
    said = words(name)
    return said | {w[:-1] for w in said if len(w) > 3 and w.endswith("s")}


def spelled(node: ast.AST) -> str:
    """The text a name, attribute or string constant spells ('' for any other node)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
