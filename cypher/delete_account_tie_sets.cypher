// Delete the tie sets of an account's contacts (before the contacts go).
MATCH (s:TieSet {account_id: $account_id})
DELETE s
RETURN count(*) AS deleted
