// Delete one page of an account's interactions (with their edges); returns how many went.
MATCH (i:Interaction {account_id: $account_id})
WITH i LIMIT $limit
DETACH DELETE i
RETURN count(*) AS deleted
