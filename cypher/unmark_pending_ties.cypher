// A writer's tie sets are written: take its entry (which starts with $prefix, its session and
// '|') off the list (see mark_pending_ties.cypher).
MATCH (w:TieWriters {id: 'writers'})
SET w.locked_at = $now
WITH w
SET w.writers = [e IN coalesce(w.writers, []) WHERE NOT (e STARTS WITH $prefix)]
RETURN size(w.writers) AS writers
