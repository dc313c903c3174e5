// How many writers may have tie sets still to write (see mark_pending_ties.cypher).
MATCH (p:PendingTies)
RETURN count(p) AS pending
