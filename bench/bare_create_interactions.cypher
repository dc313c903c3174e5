// The bench's baseline: the bare insert of interaction rows, no MERGE, no edges, no index.
UNWIND $rows AS r
CREATE (i:Interaction)
SET i = r
