// The stored properties of the Alert nodes whose ids are in $ids.
UNWIND $ids AS id
MATCH (al:Alert {id: id})
RETURN properties(al) AS props
