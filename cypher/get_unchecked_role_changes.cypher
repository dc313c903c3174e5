// Role changes recorded between $since and $until that no alerting has looked at yet.
MATCH (rc:RoleChange)
WHERE rc.checked_at IS NULL AND rc.changed_at >= $since AND rc.changed_at <= $until
RETURN properties(rc) AS props
ORDER BY rc.changed_at, rc.id
