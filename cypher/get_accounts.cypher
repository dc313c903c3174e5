// The stored properties of the Account nodes whose ids are in $ids.
UNWIND $ids AS id
MATCH (n:Account {id: id})
RETURN properties(n) AS props
