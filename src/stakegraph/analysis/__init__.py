"""Risk analysis of one account snapshot with networkx: pure functions, no I/O."""
