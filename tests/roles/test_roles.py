"""What code is for, from its path and content: never from a substring "test" in a path."""

from __future__ import annotations

import pytest
from devsecbots.nodes.roles import (
    APP,
    DEVELOPMENT,
    EXAMPLE,
    MIGRATION,
    TEST,
    code_role,
    file_role,
    line_role,
)

DJANGO_MIGRATION = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
ALEMBIC = 'revision = "ab12"\ndown_revision = None\n\ndef upgrade():\n    pass\n'
PYTEST = "import pytest\n\ndef test_login(client):\n    assert client\n"


@pytest.mark.parametrize(
    ("path", "source", "role"),
    [
        ("tests/test_auth.py", "", TEST),
        ("app/tests/helpers.py", "", TEST),
        ("src/fixtures/users.py", "", TEST),
        ("app/test_views.py", "", TEST),
        ("app/views_test.py", "", TEST),
        ("conftest.py", "", TEST),
        ("proj/settings/test.py", "", TEST),
        ("proj/settings/ci.py", "", TEST),
        ("proj/app/checks.py", PYTEST, TEST),
        ("proj/app/migrations/0001_initial.py", "", MIGRATION),
        ("db/versions/ab12_add_users.py", ALEMBIC, MIGRATION),
        ("proj/schema_change.py", DJANGO_MIGRATION, MIGRATION),
        ("examples/upload/app.py", "", EXAMPLE),
        ("docs/conf.py", "", EXAMPLE),
        ("proj/settings/production.example.py", "", EXAMPLE),
        ("populate.py", "import random\nfrom faker import Faker\n", EXAMPLE),
        ("app/management/commands/fake.py", "from faker import Faker\n", EXAMPLE),
        # application code, whatever "test" substrings its path holds
        ("contest/views.py", "", APP),
        ("app/latest.py", "", APP),
        ("app/attestation/models.py", "", APP),
        ("app/ci.py", "", APP),  # only a settings module named ci is the CI's
        ("app/testimonials.py", "", APP),
        ("app/sample.py", "", APP),
        ("app/seeding_policy.py", "", APP),
        # an installer's defaults and a search-index builder are named populate too
        ("app/utils/populate.py", "def create_default_groups():\n", APP),
        ("app/management/commands/populate_searchdb.py", "import sqlite3\n", APP),
        ("app/checks.py", "import unittest\n", APP),  # importing unittest defines no test
    ],
)
def test_file_roles(path, source, role):
    assert code_role(path, source) == role


def test_a_role_says_what_gave_it_away():
    assert file_role("app/tests/helpers.py").describe() == "test code (under tests/)"
    assert "Django migration" in file_role("x.py", DJANGO_MIGRATION).describe()
    assert "demo-data" in file_role("populate.py", "from faker import Faker\n").describe()
    assert file_role("app/views.py").describe() == "app code"


CONFIG = """\
import os


class Config:
    SECRET_KEY = os.environ["SECRET_KEY"]


class TestingConfig(Config):
    SECRET_KEY = "not-a-secret"
    TESTING = True


class CIOverrides(Config):
    TESTING = True
    DEBUG = True


class ProductionConfig(Config):
    DEBUG = False
"""


@pytest.mark.parametrize(
    ("line", "role"),
    [(5, APP), (9, TEST), (10, TEST), (15, TEST), (19, APP), (0, APP)],
)
def test_a_testing_config_class_is_test_code_inside_an_app_module(line, role):
    assert line_role("app/config.py", CONFIG, line).name == role


def test_the_testing_config_exemption_names_the_class():
    assert "TestingConfig" in line_role("app/config.py", CONFIG, 9).describe()


def test_line_role_keeps_the_file_role_and_survives_bad_syntax():
    assert line_role("tests/config.py", CONFIG, 19).name == TEST
    assert line_role("app/config.py", "class TestConfig(:\n", 1).name == APP


DEV_SETTINGS = "from .base import *\n\nDEBUG = True\nSECRET_KEY = 'dev'\n"


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("settings/local_dev.py", DEVELOPMENT),
        ("settings/local.py", DEVELOPMENT),
        ("config/development.py", DEVELOPMENT),
        ("proj/settings/dev.py", DEVELOPMENT),
        ("dev_settings.py", DEVELOPMENT),
        ("settings_local.py", DEVELOPMENT),
        ("settings/settings.py", APP),
        ("settings/production.py", APP),
        ("settings/prod_dev.py", APP),
        ("settings/base.py", APP),
        ("settings/common.py", APP),
        ("settings/global_dev.py", APP),
        ("app/devices.py", APP),  # not a settings module, and "devices" is not "dev"
        ("app/local_dev.py", APP),  # not in a settings folder nor named as settings
        ("localization.py", APP),
    ],
)
def test_development_settings_by_name(path, role):
    assert line_role(path, DEV_SETTINGS, 4, {path: DEV_SETTINGS}).name == role


def test_development_settings_need_the_project_and_settings_values():
    assert line_role("settings/local.py", DEV_SETTINGS, 4).name == APP  # no project given
    assert line_role("settings/local.py", "import os\n", 1, {}).name == APP  # sets nothing
