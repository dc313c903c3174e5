// Claim up to $limit due deliveries to enabled subscriptions: pending, due by $now, and not
// leased to another worker (or whose lease ran out: that worker died mid-try). The lease is set
// in this same statement, so two workers never claim the same delivery at once.
MATCH (d:Delivery)-[:TO]->(w:Webhook)
WHERE d.status = 'pending' AND d.next_attempt_at <= $now
  AND (d.lease_until IS NULL OR d.lease_until <= $now) AND w.enabled = true
MATCH (d)-[:OF]->(al:Alert)
WITH d, w, al
ORDER BY d.next_attempt_at, d.id
LIMIT $limit
SET d.lease_until = $lease_until
RETURN properties(d) AS delivery, properties(w) AS webhook, properties(al) AS alert
