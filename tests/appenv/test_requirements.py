"""Reading what an input declares: requirements*.txt and pyproject.toml, and what is refused."""

from __future__ import annotations

import pytest
from devsecbots.nodes.appenv import RequirementsError, declared_requirements

from devsecbots.errors import exit_code_for


def test_requirements_are_normalised_sorted_and_followed() -> None:
    files = {
        "requirements.txt": (
            "# web\nFlask>=3.0  # the app\n\n-r requirements-dev.txt\n"
            "requests==2.32.3 \\\n    --hash=sha256:abc\n"
        ),
        "requirements-dev.txt": "pytest-mock; python_version >= '3.8'\n",
        "app.py": "import flask\n",
    }
    declared = declared_requirements(files)
    assert declared is not None
    assert declared.sources == ("requirements-dev.txt", "requirements.txt")
    assert declared.specs == (
        "Flask>=3.0",
        'pytest-mock; python_version >= "3.8"',
        "requests==2.32.3",
    )


def test_pyproject_dependencies_and_test_extras_count_but_not_other_extras() -> None:
    pyproject = """
[project]
name = "demo"
dependencies = ["flask>=3"]
[project.optional-dependencies]
test = ["pytest-mock"]
docs = ["sphinx"]
"""
    declared = declared_requirements({"pyproject.toml": pyproject})
    assert declared is not None and declared.specs == ("flask>=3", "pytest-mock")


def test_an_empty_declaration_is_an_environment_with_nothing_but_pytest() -> None:
    assert declared_requirements({"requirements.txt": "# nothing\n"}).specs == ()
    assert declared_requirements({"pyproject.toml": "[tool.x]\n"}).specs == ()


def test_no_declaration_is_none_and_nested_ones_are_used_when_the_top_has_none() -> None:
    assert declared_requirements({"app.py": "", "tests/test_app.py": ""}) is None
    nested = {"a/requirements.txt": "flask\n", "b/requirements.txt": "requests\n"}
    assert declared_requirements(nested).specs == ("flask", "requests")
    top = {**nested, "requirements.txt": "click\n"}
    assert declared_requirements(top).specs == ("click",)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("-e .", "option '-e' is not supported"),
        ("--index-url https://evil.example/simple", "option '--index-url' is not supported"),
        ("--extra-index-url=https://evil.example/simple", "'--extra-index-url' is not supported"),
        ("./vendor/pkg", "local path or URL"),
        ("https://evil.example/pkg-1.0-py3-none-any.whl", "local path or URL"),
        ("pkg @ https://evil.example/pkg.whl", "pkg @ URL is not installed"),
        ("flask >>= 3", "requirements.txt:2:"),
        ("-r missing.txt", "'missing.txt' is not in the input"),
    ],
)
def test_lines_that_would_install_something_else_than_a_named_package_are_refused(
    line: str, says: str
) -> None:
    with pytest.raises(RequirementsError) as caught:
        declared_requirements({"requirements.txt": f"flask\n{line}\n"})
    message = str(caught.value)
    assert says in message and "\n" not in message
    assert exit_code_for(caught.value) == 2


def test_bad_pyproject_is_refused_with_its_name() -> None:
    with pytest.raises(RequirementsError, match="pyproject.toml: not valid TOML"):
        declared_requirements({"pyproject.toml": "[project\n"})
    with pytest.raises(RequirementsError, match="local path or URL"):
        declared_requirements({"pyproject.toml": '[project]\ndependencies = ["../sibling"]\n'})
