"""Writing under --out: path checks, symlink refusal, atomic writes."""

from pathlib import Path

import pytest

from devsecbots.errors import CliError
from devsecbots.output import check_out_dir, safe_target, write_tree


@pytest.mark.parametrize(
    "bad", ["../evil.py", "/etc/passwd", "C:/x.py", "a/../../b", "a\x00b", "", "."]
)
def test_unsafe_paths_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        safe_target(tmp_path, bad)


def test_symlink_inside_out_pointing_elsewhere_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "templates").symlink_to(outside)
    with pytest.raises(ValueError, match="symlink"):
        write_tree(out, {"app.py": "ok", "templates/x.html": "pwned"})
    assert list(outside.iterdir()) == [] and not (out / "app.py").exists()


def test_write_tree_writes_and_hashes(tmp_path: Path) -> None:
    written = write_tree(tmp_path / "o", {"a/b.py": "print(1)\n"})
    assert (tmp_path / "o" / "a" / "b.py").read_text() == "print(1)\n"
    assert written[0]["path"] == "a/b.py" and len(written[0]["sha256"]) == 64
    assert not [p for p in (tmp_path / "o" / "a").iterdir() if p.name.endswith(".tmp")]


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(CliError, match="not a directory"):
        check_out_dir(target)


def test_unwritable_out_is_refused() -> None:
    # /proc refuses new files even for root, where permission bits would not.
    with pytest.raises(CliError, match="not writable"):
        check_out_dir(Path("/proc/devsecbots-out"))
