// Deliveries, newest first, filtered by subscription, alert and status (null: no filter).
MATCH (d:Delivery)
WHERE ($webhook_id IS NULL OR d.webhook_id = $webhook_id)
  AND ($alert_id IS NULL OR d.alert_id = $alert_id)
  AND ($status IS NULL OR d.status = $status)
RETURN properties(d) AS props
ORDER BY d.created_at DESC, d.id DESC
LIMIT $limit
