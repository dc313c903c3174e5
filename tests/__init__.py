"""stakegraph tests."""
