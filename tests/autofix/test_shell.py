"""Shell-command codemod: argument lists instead of a shell, only where that keeps the meaning."""

from __future__ import annotations

from tests.autofix.helpers import assert_fixed, bandit, declined, finding_at

BEFORE = """import os
import shlex
import subprocess


def ping(host, count):
    # ping the host
    subprocess.run(f"ping -c {count} {host}", shell=True, check=True)
    out = subprocess.check_output(
        "git log --format='%H %s' -n 5",
        shell=True,
    )
    cmd = "nslookup " + shlex.quote(host)
    subprocess.call(cmd, shell=True)
    return out


def archive(name):
    status = os.system(f"tar -czf backups/{name}.tgz data")
    os.system("sync")
    return status, os.popen(f"du -sh {name}").read()
"""
AFTER = (
    """import shlex
import subprocess


def ping(host, count):
    # ping the host
    subprocess.run(["ping", "-c", str(count), str(host)], check=True)
    out = subprocess.check_output(
        ["git", "log", "--format=%H %s", "-n", "5"],
    )
    cmd = "nslookup " + shlex.quote(host)
    subprocess.call(["nslookup", str(host)])
    return out


def archive(name):
    status = subprocess.run(["tar", "-czf", f"backups/{name}.tgz", "data"], check=False).returncode
    subprocess.run(["sync"], check=False)
    return status, subprocess.run(["du", "-sh", str(name)], capture_output=True, """
    """text=True, check=False).stdout
"""
)


def test_commands_become_argument_lists():
    findings = bandit(BEFORE, "B602", "B605")
    assert len(findings) == 6
    assert_fixed(BEFORE, AFTER, findings)
    assert bandit(AFTER, "B602", "B605", "B604") == []


def test_commands_that_need_a_shell_are_declined():
    source = """import subprocess


def run(user_input, path):
    subprocess.run(f"cat {path} | grep {user_input}", shell=True)
    subprocess.run("echo $HOME > out.txt", shell=True)
    subprocess.run(user_input, shell=True)
"""
    findings = bandit(source, "B602")
    reasons = declined(source, findings)
    assert "metacharacter '|'" in reasons[0]
    assert "metacharacter '$'" in reasons[1]
    assert "not one string built here" in reasons[2]


def test_semgrep_command_injection_on_the_argument_line():
    before = (
        "import subprocess\nfrom flask import request\n\n\n"
        'def f():\n    subprocess.Popen("ls " + request.args["d"], shell=True)\n'
    )
    after = (
        "import subprocess\nfrom flask import request\n\n\n"
        'def f():\n    subprocess.Popen(["ls", str(request.args["d"])])\n'
    )
    assert_fixed(
        before, after, [finding_at(before, "devsecbots.flask.command-injection", "request.args")]
    )


def test_an_import_left_unused_goes_but_the_spacing_stays():
    before = '"""Tool."""\n\nimport os\nimport subprocess\n\n\ndef sync():\n    os.system("sync")\n'
    after = (
        '"""Tool."""\n\nimport subprocess\n\n\n'
        'def sync():\n    subprocess.run(["sync"], check=False)\n'
    )
    assert_fixed(before, after, [finding_at(before, "B605", "os.system", source_name="bandit")])
