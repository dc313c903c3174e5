// Alerts whose episode is still open (the account has not recovered yet).
MATCH (al:Alert)
WHERE al.episode_open = true
RETURN properties(al) AS props
ORDER BY al.account_id, al.kind
