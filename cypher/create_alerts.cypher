// Store new alerts and, in the same statement (so both land or neither does), one pending
// Delivery in the outbox for every enabled webhook subscribed to the alert's kind. An alert is
// skipped when its id exists, or when it opens an episode (going dark, risk high) that is still
// open for its account. Role changes named in $checked are marked as looked at ($now), so a
// scan can tell which changes were never examined (a crash between the write and the alerting).
// Rows: {id, episode, props}; props are the alert's stored properties.
MATCH (rc:RoleChange) WHERE rc.id IN $checked
SET rc.checked_at = $now
WITH count(*) AS checked
UNWIND $rows AS row
OPTIONAL MATCH (same:Alert {id: row.id})
WITH row, count(same) AS existing
OPTIONAL MATCH (running:Alert)
WHERE row.episode IS NOT NULL AND running.episode = row.episode AND running.episode_open = true
WITH row, existing, count(running) AS open_episodes
WHERE existing = 0 AND open_episodes = 0
CREATE (al:Alert)
SET al = row.props
WITH al, row
OPTIONAL MATCH (a:Account {id: row.props.account_id})
FOREACH (_ IN CASE WHEN a IS NULL THEN [] ELSE [1] END | CREATE (al)-[:ABOUT]->(a))
WITH al, row
OPTIONAL MATCH (c:Contact {id: row.props.subject_id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | CREATE (al)-[:SUBJECT]->(c))
WITH al, row
OPTIONAL MATCH (w:Webhook)
WHERE w.enabled = true AND row.props.kind IN w.kinds
FOREACH (_ IN CASE WHEN w IS NULL THEN [] ELSE [1] END |
  CREATE (d:Delivery {id: al.id + '|' + w.id, alert_id: al.id, webhook_id: w.id,
    status: 'pending', attempt_count: 0, attempts_json: '[]', created_at: row.props.raised_at,
    next_attempt_at: row.props.raised_at})
  CREATE (d)-[:OF]->(al)
  CREATE (d)-[:TO]->(w))
WITH DISTINCT al
RETURN al.id AS id
