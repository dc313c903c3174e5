// One page of accounts after the id $after with their email domains, for importers' identity matching.
MATCH (n:Account)
WHERE n.id > $after
RETURN n.id AS id, n.domains AS domains
ORDER BY n.id
LIMIT $limit
