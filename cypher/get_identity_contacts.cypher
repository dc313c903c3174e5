// One page of contacts after the id $after with account and email, for importers' identity matching.
MATCH (n:Contact)
WHERE n.id > $after
RETURN n.id AS id, n.account_id AS account_id, n.email AS email
ORDER BY n.id
LIMIT $limit
