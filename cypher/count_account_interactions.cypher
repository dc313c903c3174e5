// How many interactions of one account happened up to $as_of.
MATCH (i:Interaction {account_id: $account_id})
WHERE i.occurred_at <= $as_of
RETURN count(i) AS total
