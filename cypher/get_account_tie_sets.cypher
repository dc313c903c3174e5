// The tie sets of one account's contacts, in one row: their contact ids and their data strings
// as two lists in the same order (an empty string for no data: collect leaves nulls out), each
// packing a contact's ties (see stakegraph.store.tiesets), and the distinct half-lives they were
// kept with. One list of a few hundred strings reads at half the cost of as many rows. Read in
// the same query, so that the two agree: how many writers may have tie sets still to write
// (see mark_pending_ties.cypher).
MATCH (s:TieSet {account_id: $account_id})
WITH collect(s.id) AS contact_ids, collect(coalesce(s.data, '')) AS data,
  collect(DISTINCT s.half_life_days) AS half_lives
OPTIONAL MATCH (w:TieWriters {id: 'writers'})
RETURN size(coalesce(w.writers, [])) AS pending, contact_ids, data, half_lives
