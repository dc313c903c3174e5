// The contacts of one account as their cards: each one's stored properties as one JSON string,
// which the client decodes as one value instead of a dozen (see records.contact_props).
MATCH (c:Contact {account_id: $account_id})
RETURN c.card AS card
ORDER BY c.id
