"""A thin gateway in front of internal services."""

import requests
from flask import Flask, Response, request

app = Flask(__name__)
BACKENDS = {"users": "https://users.internal:8443", "orders": "https://orders.internal:8443"}
session = requests.Session()


@app.route("/<service>/<path:rest>", methods=["GET", "POST"])
def proxy(service, rest):
    base = BACKENDS[service]
    if request.method == "POST":
        upstream = requests.post(f"{base}/{rest}", data=request.get_data(), verify=False)
    else:
        upstream = session.get(f"{base}/{rest}", params=request.args, verify=False)
    return Response(upstream.content, status=upstream.status_code)


@app.route("/status")
def status():
    checks = {name: requests.head(url, timeout=None).status_code for name, url in BACKENDS.items()}
    return checks


if __name__ == "__main__":
    app.run("0.0.0.0", 8443, debug=True)
