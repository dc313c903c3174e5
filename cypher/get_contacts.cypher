// The stored properties of the Contact nodes whose ids are in $ids.
UNWIND $ids AS id
MATCH (n:Contact {id: id})
RETURN properties(n) AS props
