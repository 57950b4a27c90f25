"""The sandbox's directory: a fresh temporary copy of the project and its writable corners.

<top>/            0711, owned by us; removed afterwards
  guard/          the sitecustomize guard (read-only for the sandbox)
  launcher/       copies of launcher.py and its stdlib-only siblings (read-only; run with -I)
  project/        the copy of the files; the working directory
  home/ tmp/      HOME and TMPDIR (pytest's --basetemp lives in tmp/)
  out/            JUnit XML, the isolation report, pytest's output
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from devsecbots.graphs.state import check_relative_path

HERE = Path(__file__).resolve().parent
GUARD_SOURCE = HERE / "guard" / "sitecustomize.py"
LAUNCHER_SOURCES = tuple(HERE / name for name in ("launcher.py", "kernel.py", "mounts.py"))
WRITABLE = ("project", "home", "tmp", "out")
READ_ONLY = ("guard", "launcher")


def is_test_path(path: str) -> bool:
    """Whether a project file belongs to its tests: under a tests/ folder, test_*.py, *_test.py,
    or a conftest.py."""
    parts = PurePosixPath(path).parts
    name = parts[-1] if parts else ""
    if not name.endswith(".py"):
        return False
    return (
        "tests" in parts[:-1]
        or "test" in parts[:-1]
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def has_tests(files: dict[str, str]) -> bool:
    """Whether the files hold any test module pytest would collect."""
    helpers = ("conftest.py", "__init__.py")
    return any(is_test_path(p) and PurePosixPath(p).name not in helpers for p in files)


@dataclass(frozen=True)
class SandboxDir:
    """Paths of one sandbox directory."""

    top: Path

    def __getattr__(self, name: str) -> Path:
        if name in (*WRITABLE, *READ_ONLY):
            return self.top / name
        raise AttributeError(name)

    def writable(self) -> list[str]:
        """Directories the sandboxed tests may write beneath."""
        return [str(self.top / name) for name in WRITABLE]

    def readonly(self) -> list[str]:
        """Directories of the sandbox the tests may only read."""
        return [str(self.top / name) for name in READ_ONLY]


def create(files: dict[str, str], owner: tuple[int, int] | None) -> SandboxDir:
    """Make the directory, write the files into project/, and hand the writable parts to `owner`
    (uid, gid) when the sandbox will run as another user."""
    box = SandboxDir(Path(tempfile.mkdtemp(prefix="devsecbots-tests-")).resolve())
    try:
        box.top.chmod(0o711 if owner else 0o700)
        box.guard.mkdir(mode=0o755)
        shutil.copyfile(GUARD_SOURCE, box.guard / "sitecustomize.py")
        box.launcher.mkdir(mode=0o755)
        for source in LAUNCHER_SOURCES:
            shutil.copyfile(source, box.launcher / source.name)
        for copy in [box.guard / "sitecustomize.py", *box.launcher.iterdir()]:
            copy.chmod(0o644)
        for name in WRITABLE:
            (box.top / name).mkdir(mode=0o700)
        for raw, content in files.items():
            target = box.project / check_relative_path(raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        if owner:
            for name in WRITABLE:
                _chown_tree(box.top / name, *owner)
    except BaseException:
        remove(box)
        raise
    return box


def remove(box: SandboxDir) -> None:
    """Delete the sandbox directory, whatever the tests left in it (read-only dirs included)."""

    def retry_writable(func, path, _exc):
        try:
            parent = os.path.dirname(path)
            if os.path.islink(parent):  # never chmod through a link the tests left behind
                return
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IRWXU)
            func(path)
        except OSError:
            pass

    shutil.rmtree(box.top, onerror=retry_writable)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.lchown(root, uid, gid)
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            os.lchown(os.path.join(folder, name), uid, gid)
