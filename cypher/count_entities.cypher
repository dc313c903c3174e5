// How many nodes of each kind are stored.
MATCH (n)
RETURN labels(n)[0] AS label, count(n) AS total
