"""A weak random value that only leaves in requests to another site is lowered; one that is kept,
checked, shown or made a credential is not (random_purpose.py reading outgoing_values.py)."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.random_purpose import incidental_reason

# name -> (code whose draw only goes out, its sibling whose draw protects something)
TWINS = {
    "request-description": (
        """
        def request(query, params):
            params["url"] = "https://api.example.com/search?q=" + query
            params["headers"]["X-Client-Nonce"] = "".join(random.choices(ALPHABET, k=16))
        """,
        """
        def request(query, params):
            params["url"] = "https://api.example.com/search?q=" + query
            nonce = "".join(random.choices(ALPHABET, k=16))
            params["headers"]["X-Client-Nonce"] = nonce
            session["nonce"] = nonce
        """,
    ),
    "module-cookie": (
        """
        cookie = {"browser_id": "".join(random.choices(string.hexdigits, k=16)) + "x"}

        def request(query, params):
            params["url"] = f"https://video.example.com/api?keyword={query}"
            params["cookies"] = cookie
        """,
        """
        cookie = {"browser_id": "".join(random.choices(string.hexdigits, k=16)) + "x"}

        def index():
            response = make_response("hi")
            response.set_cookie("id", cookie["browser_id"])
            return response
        """,
    ),
    "client-call": (
        """
        def solve_challenge(base):
            first = random.randint(11, 19)
            challenge = get(f"{base}/Human.svc/Make?M1={first}", cookies={})
            result = first
            for num, sign in [(first, "+")]:
                if sign == "+":
                    result += num
            log.debug(f"challenge {first} = {result}")
            return post(f"{base}/check", data={"answer": str(result)}).cookies["code"]
        """,
        """
        @app.route("/challenge")
        def challenge():
            first = random.randint(11, 19)
            requests.get(f"https://captcha.example.com/make?M1={first}")
            if request.args["answer"] == str(first):
                login_user(current_user)
        """,
    ),
    "nonce-and-signature": (
        """
        def make_nonce(length=32):
            return "".join(random.choices(ALPHABET, k=length))

        def shifted(s):
            out = ""
            for c in s:
                if c.upper() in ALPHABET:
                    out += ALPHABET[(ord(c.upper()) - 65 + 13) % 26]
                else:
                    out += c
            return out

        def sign(path):
            nonce = make_nonce()
            return (nonce, hashlib.sha256((path + shifted(nonce)).encode()).hexdigest())

        def request(query, params):
            nonce, signature = sign("/search")
            params["headers"].update({"X-Request-Nonce": nonce, "X-Signature": signature})
            params["url"] = "https://search.example.com/search?q=" + query
        """,
        """
        def make_nonce(length=32):
            return "".join(random.choices(ALPHABET, k=length))
        """,
    ),
    "memoised-pick": (
        """
        def get_api_key():
            cached = CACHE.get("api_key")
            if cached:
                return cached
            api_key = random.choice(re.findall(KEY_RE, requests.get(HOME).text))
            CACHE.set("api_key", api_key, expire=3600)
            return api_key

        def request(query, params):
            args = {"q": query, "api_key": get_api_key()}
            params["url"] = f"https://api.example.com/v1/search?{urlencode(args)}"
        """,
        """
        def get_api_key():
            api_key = random.choice(ALPHABET)
            CACHE.set("api_key", api_key, expire=3600)
            return api_key

        def request(query, params):
            args = {"q": query, "api_key": get_api_key()}
            params["url"] = f"https://api.example.com/v1/search?{urlencode(args)}"
        """,
    ),
    "oauth-state": (
        """
        def fetch(url):
            state = str(random.getrandbits(64))
            return requests.get(url, params={"client_state": state})
        """,
        """
        @app.route("/login")
        def login():
            state = str(random.getrandbits(64))
            session["oauth_state"] = state
            return redirect(f"https://provider.example.com/authorize?state={state}")
        """,
    ),
    "remote-password": (
        """
        def register(name):
            request_id = "".join(random.choices(ALPHABET, k=12))
            requests.post(REMOTE, json={"name": name, "request_id": request_id})
        """,
        """
        def register(name):
            password = "".join(random.choices(ALPHABET, k=12))
            requests.post(REMOTE, json={"name": name, "password": password})
        """,
    ),
    "mapping-passed-in": (
        """
        def request(query, params):
            params["url"] = "https://api.example.com/?q=" + query
            params["data"] = {"nonce": random.randint(1, 10**9)}
        """,
        """
        def fill(query, context):
            context["nonce"] = random.randint(1, 10**9)
        """,
    ),
}


def _reason(code: str) -> str:
    tree = ast.parse("import random\n" + textwrap.dedent(code))
    line = next(
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and ast.unparse(n.func).startswith("random.")
    )
    return incidental_reason(tree, line, "app/engine.py")


@pytest.mark.parametrize("name", TWINS)
def test_a_value_only_sent_to_another_site_is_lowered(name):
    assert "another site" in _reason(TWINS[name][0])


@pytest.mark.parametrize("name", TWINS)
def test_its_sibling_that_keeps_checks_or_shows_the_value_is_not(name):
    assert _reason(TWINS[name][1]) == ""
