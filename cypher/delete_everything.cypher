// Delete one page of nodes, whatever their label, with their edges; returns how many went.
// Run again until it returns 0 (one page per transaction keeps a large graph's delete bounded).
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
