"""Domain errors the nodes raise; the CLI edge (devsecbots/errors.py) maps them to exit codes.

Every message is one line meant for the user. Two families: the run cannot start as configured
(`ConfigurationError`: fix a setting and run again), or something failed while it ran
(`RunFailure`: the run is checkpointed and can be resumed).
"""


class DevSecError(Exception):
    """Base class of every error a node raises on purpose."""


class ConfigurationError(DevSecError):
    """The run cannot go ahead as configured: a setting, an input or a tool is missing or wrong."""


class RunFailure(DevSecError):
    """Something failed while the run was going: the model, the network, a limit."""


class ModelConfigError(ConfigurationError):
    """The model cannot be used as configured (no model, no key, bad option)."""


class ModelOutputError(RunFailure):
    """The model's answer was unusable: unreadable, or invalid also after one re-ask."""


class ModelAnswerTooLarge(ModelOutputError):
    """The model's answer grew past the size limit; refused while it was still arriving."""


class WallTimeExceeded(RunFailure):
    """The run's --max-wall-time ran out while a model call was in flight.

    The nodes catch it and end the run with status `time_limit`, as a round-end check would.
    """

    def __init__(self, limit: float, elapsed: float) -> None:
        super().__init__(f"wall time limit of {limit:g}s reached after {elapsed:.3g}s")
        self.limit = limit
        self.elapsed = elapsed
