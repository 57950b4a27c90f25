"""Deliver webhooks to customer endpoints."""

import json
import ssl
import urllib.request

import requests

session = requests.Session()


def deliver(url, event):
    payload = json.dumps(event)
    return requests.post(url, data=payload, headers={"Content-Type": "application/json"}, verify=False)


def deliver_with_session(url, event):
    return session.post(url, json=event, verify=False, timeout=5)


def health(url):
    context = ssl._create_unverified_context()
    with urllib.request.urlopen(url, context=context, timeout=5) as response:
        return response.status


def fetch_schema(url):
    return requests.get(url, timeout=None).json()
