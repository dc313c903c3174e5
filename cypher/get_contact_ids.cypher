// One page of contact ids after $after, in id order (keyset pagination).
MATCH (c:Contact)
WHERE c.id > $after
RETURN c.id AS id
ORDER BY c.id
LIMIT $limit
