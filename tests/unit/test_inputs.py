"""Loading user code: skipped kinds of files are reported, never silently dropped or followed."""

from pathlib import Path

import pytest

from devsecbots.errors import CliError, exit_code_for
from devsecbots.inputs import load_inputs


def test_directory_is_loaded_with_skips_reported(tmp_path: Path) -> None:
    root = tmp_path / "app"
    (root / "templates").mkdir(parents=True)
    (root / "app.py").write_text("print('hi')\n")
    (root / "templates" / "i.html").write_text("<p>hi</p>")
    (root / "logo.png").write_bytes(b"\x89PNG\x00\x01")
    (root / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (root / "big.py").write_text("x = 1\n" * 300_000)
    (root / ".venv").mkdir()
    (root / ".venv" / "ignored.py").write_text("x")
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    (root / "link.txt").symlink_to(secret)
    loaded = load_inputs([root])
    assert set(loaded.files) == {"app.py", "templates/i.html"}
    reasons = dict(loaded.skipped)
    assert reasons["logo.png"] == "binary file"
    assert reasons["latin1.txt"] == "not UTF-8 text"
    assert reasons["big.py"].startswith("larger than")
    assert "outside" in reasons["link.txt"]
    assert "link.txt" not in loaded.verbatim


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(CliError) as err:
        load_inputs([tmp_path / "nope"])
    assert exit_code_for(err.value) == 2 and "no such file" in str(err.value)
