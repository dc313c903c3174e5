// The stored properties of the Interaction nodes whose ids are in $ids.
UNWIND $ids AS id
MATCH (n:Interaction {id: id})
RETURN properties(n) AS props
