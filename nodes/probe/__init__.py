"""The probe stage: attack the running app in the sandbox (see node.py)."""

from devsecbots.nodes.probe.node import probe

__all__ = ["probe"]
