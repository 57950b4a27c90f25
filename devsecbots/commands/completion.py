"""`devsecbots completion SHELL`: print the shell's completion script.

Install it the usual way, e.g. `devsecbots completion bash > ~/.local/share/bash-completion/
completions/devsecbots`; devsecbots itself never edits a dotfile. The script asks
`devsecbots` for candidates through $_DEVSECBOTS_COMPLETE (answered in devsecbots.cli.main).
"""

from __future__ import annotations

from typing import Annotated

import typer

from devsecbots.errors import input_error

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
COMPLETE_VAR = "_DEVSECBOTS_COMPLETE"


def completion(
    shell: Annotated[str, typer.Argument(help="bash | zsh | fish | powershell | pwsh.")],
) -> None:
    """Print the completion script for SHELL (redirect it where your shell loads completions)."""
    from typer._completion_shared import get_completion_script

    if shell not in SHELLS:
        raise input_error(f"no completion for shell {shell!r}: use {', '.join(SHELLS)}")
    typer.echo(
        get_completion_script(prog_name="devsecbots", complete_var=COMPLETE_VAR, shell=shell)
    )


def enable_completion_requests() -> None:
    """Let the shell scripts' candidate requests be answered (typer's completion classes)."""
    from typer._completion_classes import completion_init

    completion_init()
