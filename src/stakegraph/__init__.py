"""stakegraph: warns an account team when a customer relationship hangs on one person."""

__version__ = "0.1.0"
