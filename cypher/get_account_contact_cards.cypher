// One account's stored properties (null when there is no such account) and its contacts as
// their cards, in one row: each card is a contact's stored properties as one JSON string (see
// records.contact_props), which the client decodes as one value instead of a dozen; one list of
// strings reads at half the cost of a row per contact. In no order; a contact written before
// contacts had cards gives an empty string (collect leaves nulls out).
MATCH (c:Contact {account_id: $account_id})
WITH collect(coalesce(c.card, '')) AS cards
OPTIONAL MATCH (a:Account {id: $account_id})
RETURN properties(a) AS account, cards
