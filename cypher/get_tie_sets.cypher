// The tie sets of the contacts in $ids, with each contact's account (contacts that do not exist
// are left out: their ties are not kept). version is null when the contact has no tie set yet.
UNWIND $ids AS cid
MATCH (c:Contact {id: cid})
OPTIONAL MATCH (s:TieSet {id: cid})
RETURN cid AS contact_id, c.account_id AS account_id, s.version AS version, s.data AS data,
  s.half_life_days AS half_life_days
