"""Load service configuration from YAML files and a remote config server."""

import yaml
import requests

CONFIG_SERVER = "https://config.internal.example.com"


def load_local(path):
    with open(path) as handle:
        return yaml.load(handle, Loader=yaml.Loader)


def load_all(path):
    with open(path) as handle:
        return list(yaml.load_all(handle))


def load_remote(service):
    response = requests.get(f"{CONFIG_SERVER}/services/{service}.yaml", verify=False)
    response.raise_for_status()
    return yaml.load(response.text)


def push(service, settings):
    body = yaml.dump(settings)
    return requests.put(
        f"{CONFIG_SERVER}/services/{service}.yaml",
        data=body,
        headers={"Content-Type": "application/yaml"},
    )
