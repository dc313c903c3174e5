// The stored properties of the TeamMember nodes whose ids are in $ids.
UNWIND $ids AS id
MATCH (n:TeamMember {id: id})
RETURN properties(n) AS props
