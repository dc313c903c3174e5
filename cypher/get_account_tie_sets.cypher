// The tie sets of one account's contacts: one row per contact, its ties packed in one string
// (see stakegraph.store.tiesets), which the client decodes in one go instead of value by value.
MATCH (s:TieSet {account_id: $account_id})
RETURN s.id AS contact_id, s.half_life_days AS half_life_days, s.data AS data
