// Stop delivering to a subscription (the subscriber answered 410 Gone, or an admin said so).
MATCH (w:Webhook {id: $id})
SET w.enabled = false, w.disabled_at = $at, w.disabled_reason = $reason
RETURN properties(w) AS props
