// The stored properties of the Webhook nodes whose ids are in $ids.
UNWIND $ids AS id
MATCH (w:Webhook {id: id})
RETURN properties(w) AS props
