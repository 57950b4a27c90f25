"""Errors nodes raise for the caller to turn into a clear message and exit code."""


class DevSecError(Exception):
    """Base class: the message is one line meant for the user."""

    exit_code = 3


class ModelConfigError(DevSecError):
    """The model cannot be used as configured (no model, no key, bad option)."""

    exit_code = 2


class ModelOutputError(DevSecError):
    """The model's answer failed validation, also after one re-ask."""

    exit_code = 3
