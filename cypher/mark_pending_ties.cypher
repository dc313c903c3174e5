// Before a writer's first interaction: add it to the writers whose tie sets may lag behind the
// interactions. One node holds them all as a list of "session|pid|host|started_at" entries:
// nodes created and deleted per writer left FalkorDB (4.x) with label scans that still found
// a deleted marker after large imports. Reports read the interactions while the list is not
// empty; a writer that dies stays in it until repaired. The first SET takes the node's lock
// before the list is read (Neo4j), so two writers cannot lose each other's entry.
MERGE (w:TieWriters {id: 'writers'})
SET w.locked_at = $now
WITH w
SET w.writers = coalesce(w.writers, []) + [$entry]
RETURN size(w.writers) AS writers
