// The contacts of one account.
MATCH (c:Contact {account_id: $account_id})
RETURN properties(c) AS props
ORDER BY c.id
