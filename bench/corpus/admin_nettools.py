"""Network tools page for the admin panel."""

import os
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    result = subprocess.run(f"ping -c 3 {host}", shell=True, capture_output=True, text=True)
    return f"<pre>{result.stdout}</pre>"


@app.route("/lookup")
def lookup():
    name = request.args["name"]
    output = subprocess.check_output("nslookup " + name, shell=True)
    return output


@app.route("/trace")
def trace():
    target = request.args.get("target", "example.com")
    os.system("traceroute -m 10 " + target)
    return "started"


@app.route("/whois")
def whois():
    domain = request.args.get("domain", "")
    return os.popen(f"whois {domain}").read()


@app.route("/disk")
def disk():
    return subprocess.check_output("df -h | sort -k5 -r", shell=True)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=9000)
