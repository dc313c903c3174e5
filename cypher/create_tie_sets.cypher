// Create the tie sets of contacts that have none (a first import does not read them first; a
// writer that read them found none), at version 1, in their contact's account: $rows holds one
// list per contact (id, half_life_days, data); a contact that does not exist gets none. No
// lookup of the tie set before the create: if another writer created one of them, the unique
// constraint on TieSet.id refuses the whole batch (nothing is written) and the caller reads
// them and merges (see write_tie_sets.cypher).
UNWIND $rows AS r
MATCH (c:Contact {id: r[0]})
CREATE (:TieSet {id: r[0], account_id: c.account_id, version: 1, half_life_days: r[1],
  data: r[2]})
RETURN count(*) AS created
