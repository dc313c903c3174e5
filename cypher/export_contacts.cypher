// One page of Contact nodes after the id $after, in id order (keyset pagination).
MATCH (n:Contact)
WHERE n.id > $after
RETURN properties(n) AS props
ORDER BY n.id
LIMIT $limit
