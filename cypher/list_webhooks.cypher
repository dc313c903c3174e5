// Every webhook subscription, oldest first.
MATCH (w:Webhook)
RETURN properties(w) AS props
ORDER BY w.created_at, w.id
