"""Every Cypher statement of stakegraph, one ``.cypher`` file each (package data)."""
