"""The DevBot ⇄ SecBot LangGraph: state, per-run context and the graph factory."""
