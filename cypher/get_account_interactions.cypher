// Every interaction up to $as_of that belongs to one account or that one of its contacts attended.
MATCH (i:Interaction {account_id: $account_id})
WHERE i.occurred_at <= $as_of
RETURN properties(i) AS props
UNION
MATCH (c:Contact {account_id: $account_id})-[:ATTENDED]->(i:Interaction)
WHERE i.occurred_at <= $as_of
RETURN properties(i) AS props
