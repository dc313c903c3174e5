// The times of one account's latest interactions up to $as_of, newest first (at most $limit).
MATCH (i:Interaction {account_id: $account_id})
WHERE i.occurred_at <= $as_of
RETURN i.occurred_at AS at
ORDER BY at DESC
LIMIT $limit
