// One page of TeamMember nodes after the id $after, in id order (keyset pagination).
MATCH (n:TeamMember)
WHERE n.id > $after
RETURN properties(n) AS props
ORDER BY n.id
LIMIT $limit
