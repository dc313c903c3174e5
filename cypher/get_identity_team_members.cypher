// One page of team members after the id $after with their emails, for importers' identity matching.
MATCH (n:TeamMember)
WHERE n.id > $after
RETURN n.id AS id, n.email AS email
ORDER BY n.id
LIMIT $limit
