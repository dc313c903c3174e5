// Before a writer's first interaction: the marker saying that tie sets may lag behind the
// interactions until this writer (session) has written them. Reports read the interactions
// themselves while any marker exists; a writer that dies leaves its marker for repair.
CREATE (p:PendingTies)
SET p = $marker
RETURN count(p) AS marked
