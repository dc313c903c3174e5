// How many writers may have tie sets still to write (see mark_pending_ties.cypher).
OPTIONAL MATCH (w:TieWriters {id: 'writers'})
RETURN size(coalesce(w.writers, [])) AS pending
