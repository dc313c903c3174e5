"""The stakegraph FastAPI service (installed as ``stakegraph.api``)."""
