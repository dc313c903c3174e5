"""The stakegraph FastAPI service (installed as ``stakegraph.api``).

Build the app with :func:`create_app`; ``stakegraph serve`` runs it with uvicorn.
"""

from .app import LIFESPAN_HOOKS, ROUTERS, create_app

__all__ = ["LIFESPAN_HOOKS", "ROUTERS", "create_app"]
