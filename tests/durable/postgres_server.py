"""A throwaway PostgreSQL cluster for tests: initdb in a temp dir, 127.0.0.1 on a free port.

Needs the server binaries (Debian: `apt-get install postgresql`; `.ci/run` installs them when
missing). Runs as an unprivileged user when the tests run as root (PostgreSQL refuses root).
Set DEVSECBOTS_TEST_POSTGRES_URL to use an existing server instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from devsecbots.testing import free_port

STEP_TIMEOUT_S = 60
_CANDIDATE_USERS = ("postgres", "nobody")


class PostgresUnavailable(Exception):
    """Why no PostgreSQL server could be started here (the tests skip with this reason)."""


def server_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl: PATH first, then Debian's versioned dirs."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(directory) / "initdb").exists() and (Path(directory) / "pg_ctl").exists():
            return Path(directory)
    return None


class ThrowawayPostgres:
    """Start with `start()` (returns the URL), always `stop()`; the data dir is deleted."""

    def __init__(self) -> None:
        self.base: Path | None = None
        self.url = ""
        self._bin: Path | None = None
        self._user: tuple[int, int] | None = None

    def start(self) -> str:
        """initdb + pg_ctl start; raise PostgresUnavailable with the reason when it cannot."""
        self._bin = server_bin_dir()
        if self._bin is None:
            raise PostgresUnavailable(
                "PostgreSQL server binaries (initdb, pg_ctl) not found; "
                "install them with `apt-get install -y postgresql`"
            )
        self.base = Path(tempfile.mkdtemp(prefix="devsecbots-pg-"))
        if os.geteuid() == 0:
            self._user = _unprivileged_user()
            os.chown(self.base, *self._user)
        data, port = self.base / "data", free_port()
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = (
            f"-p {port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(self.base / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            str(STEP_TIMEOUT_S),
            "start",
        )
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        return self.url

    def stop(self) -> None:
        """Stop the server at once and delete its files."""
        if self.base is None:
            return
        if (self.base / "data" / "postmaster.pid").exists():
            try:
                self._run(
                    "pg_ctl",
                    "-D",
                    str(self.base / "data"),
                    "-m",
                    "immediate",
                    "-w",
                    "-t",
                    "20",
                    "stop",
                )
            except PostgresUnavailable:
                pass
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None

    def _run(self, tool: str, *args: str) -> None:
        user = (
            {}
            if self._user is None
            else {"user": self._user[0], "group": self._user[1], "extra_groups": []}
        )
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
        try:
            done = subprocess.run(
                [str(self._bin / tool), *args],
                capture_output=True,
                text=True,
                timeout=STEP_TIMEOUT_S,
                env=env,
                cwd=self.base,
                **user,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PostgresUnavailable(f"{tool} failed: {err}") from None
        if done.returncode != 0:
            log = self.base / "server.log" if self.base else None
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            if log and log.exists():
                detail += log.read_text(errors="replace").strip().splitlines()[-3:]
            raise PostgresUnavailable(f"{tool} exited {done.returncode}: {' | '.join(detail)}")


def _unprivileged_user() -> tuple[int, int]:
    for name in _CANDIDATE_USERS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise PostgresUnavailable(
        "running as root and no unprivileged user (postgres, nobody) "
        "to run the PostgreSQL server as"
    )
