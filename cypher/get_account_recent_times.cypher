// The times of one account's latest interactions up to $as_of, newest first, and how many there are.
MATCH (i:Interaction {account_id: $account_id})
WHERE i.occurred_at <= $as_of
WITH i.occurred_at AS at
ORDER BY at DESC
RETURN collect(at)[0..$limit] AS recent, count(at) AS total
