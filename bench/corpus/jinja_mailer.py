"""Render notification e-mails with Jinja2."""

import jinja2
from jinja2 import Environment, FileSystemLoader

env = Environment(loader=FileSystemLoader("templates/mail"))
strings = jinja2.Environment(autoescape=False)


def render_welcome(user):
    return env.get_template("welcome.html").render(user=user)


def render_custom(template_text, **context):
    return strings.from_string(template_text).render(**context)
