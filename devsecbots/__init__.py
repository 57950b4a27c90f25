"""devsecbots: DevBot writes, SecBot reviews, until the code is secure — a LangGraph loop."""

__version__ = "0.1.0"
