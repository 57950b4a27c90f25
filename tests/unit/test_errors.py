"""Domain errors carry no exit code; the CLI edge maps them: configuration 2, runtime 3."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers.errors import AnalyzerUnavailable
from devsecbots.nodes.errors import (
    ConfigurationError,
    DevSecError,
    ModelAnswerTooLarge,
    ModelConfigError,
    ModelOutputError,
    RunFailure,
    WallTimeExceeded,
)

from devsecbots.errors import CliError, exit_code_for, input_error, runtime_error


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ModelConfigError("no model"), 2),
        (AnalyzerUnavailable("semgrep not found"), 2),
        (ConfigurationError("bad"), 2),
        (ModelOutputError("invalid twice"), 3),
        (ModelAnswerTooLarge("too big"), 3),
        (WallTimeExceeded(1.0, 1.2), 3),
        (RunFailure("broke"), 3),
        (DevSecError("anything else"), 3),
        (input_error("given"), 2),
        (runtime_error("given"), 3),
    ],
)
def test_exit_codes_are_decided_at_the_cli_edge(error: Exception, code: int) -> None:
    assert exit_code_for(error) == code
    assert not hasattr(error, "exit_code") or isinstance(error, CliError)


def test_wall_time_message_is_the_round_end_one() -> None:
    assert str(WallTimeExceeded(1.5, 1.734)) == "wall time limit of 1.5s reached after 1.73s"
