# Rule tests for python_deserialization.yaml (run by tests/analyzers/test_rules.py via semgrep --test).
import base64
import pickle
import xml.dom.minidom
import xml.sax
import xml.sax.handler

import lxml.etree
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/restore", methods=["POST"])
def restore():
    blob = request.form["state"]
    # ruleid: devsecbots.python.insecure-deserialization
    state = pickle.loads(base64.urlsafe_b64decode(blob))
    # ruleid: devsecbots.python.insecure-deserialization
    config = yaml.load(request.data, Loader=yaml.Loader)
    # ruleid: devsecbots.python.insecure-deserialization
    yaml.unsafe_load(blob)
    # ok: devsecbots.python.insecure-deserialization
    safe = yaml.safe_load(request.data)
    # ok: devsecbots.python.insecure-deserialization
    yaml.load(request.data, Loader=yaml.SafeLoader)
    with open("cache.pickle", "rb") as handle:
        # ok: devsecbots.python.insecure-deserialization
        cached = pickle.load(handle)
    return str((state, config, safe, cached))


def read_socket(sock):
    # ruleid: devsecbots.python.insecure-deserialization
    return pickle.loads(sock.recv(4096))


@app.route("/xml", methods=["POST"])
def parse_xml():
    document = request.data
    parser = xml.sax.make_parser()
    # ok: devsecbots.python.xxe
    plain = xml.dom.minidom.parseString(document, parser)
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    # ruleid: devsecbots.python.xxe
    doc = xml.dom.minidom.parseString(document, parser)
    resolving = lxml.etree.XMLParser(resolve_entities=True)
    # ruleid: devsecbots.python.xxe
    tree = lxml.etree.fromstring(document, resolving)
    hardened = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    # ok: devsecbots.python.xxe
    lxml.etree.fromstring(document, hardened)
    return str((plain, doc, tree))
