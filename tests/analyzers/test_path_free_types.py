"""Which parameter annotations FastAPI validates into values that cannot carry a file path."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.path_free_types import path_free

MODULES = {
    "app/__init__.py": "from .kinds import Size as Size\n",
    "app/kinds.py": textwrap.dedent(
        """
        import enum

        class Size(enum.IntEnum):
            small = enum.auto()
            large = enum.auto()

        class Base(str, enum.Enum):
            def label(self):
                return self.value.title()

        class Colour(Base):
            red = "red"

        class Sneaky(str, enum.Enum):
            up = ".."

        class Computed(str, enum.Enum):
            home = make_name()

        class NotAnEnum(str):
            pass
        """
    ),
}
VIEW = """\
import typing
from typing import Annotated, Optional
from uuid import UUID
from fastapi import Path
from pydantic import UUID4 as Id
from app import Size
from app.kinds import Colour, Sneaky, Computed, NotAnEnum
"""


@pytest.mark.parametrize(
    ("annotation", "free"),
    [
        ("int", True),
        ("Optional[bool]", True),
        ("Annotated[Id, Path()]", True),
        ("UUID | None", True),
        ("Size", True),  # re-exported by the package, an IntEnum of auto() numbers
        ("Colour", True),  # through a project enum base with a method
        ("typing.Literal['a', 'b']", True),
        ("str", False),
        ("Sneaky", False),
        ("Computed", False),
        ("NotAnEnum", False),
        ("typing.Literal['a/b']", False),
        ("list[int]", False),
        ("'Size'", False),
        ("Unknown", False),
    ],
)
def test_annotation(annotation, free):
    files = {**MODULES, "app/views.py": VIEW + f"x: {annotation}\n"}
    trees = {path: ast.parse(source) for path, source in files.items()}
    node = trees["app/views.py"].body[-1]
    assert isinstance(node, ast.AnnAssign)
    assert path_free(node.annotation, "app/views.py", trees) is free


def test_a_project_class_shadows_the_known_name():
    source = "from pydantic import UUID4\n\nclass UUID4(str):\n    pass\n\nx: UUID4\n"
    files = {"app/views.py": source}
    trees = {path: ast.parse(source) for path, source in files.items()}
    node = trees["app/views.py"].body[-1]
    assert isinstance(node, ast.AnnAssign)
    assert not path_free(node.annotation, "app/views.py", trees)
