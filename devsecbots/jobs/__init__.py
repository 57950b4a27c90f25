"""The commands' work, as plain functions `run_xxx(settings, console) -> exit code`: the typer
wrappers in devsecbots/commands/ parse options and import these only when they run."""
