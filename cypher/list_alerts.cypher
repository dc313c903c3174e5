// Alerts, newest first, filtered by account ids, kinds, raised since, and open (neither
// acknowledged nor resolved); a null filter does not filter.
MATCH (al:Alert)
WHERE ($account_ids IS NULL OR al.account_id IN $account_ids)
  AND ($kinds IS NULL OR al.kind IN $kinds)
  AND ($since IS NULL OR al.raised_at >= $since)
  AND ($open_only = false OR (al.acknowledged_at IS NULL AND al.resolved_at IS NULL))
RETURN properties(al) AS props
ORDER BY al.raised_at DESC, al.id DESC
LIMIT $limit
