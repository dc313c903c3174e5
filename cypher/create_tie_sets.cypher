// Create the tie sets of contacts that had none when read, at version 1: $rows holds one list
// per contact (id, account_id, half_life_days, data). No lookup before the create: if another
// writer created one of them since, the unique constraint on TieSet.id refuses the whole batch
// (nothing is written) and the caller reads them again (see write_tie_sets.cypher).
UNWIND $rows AS r
CREATE (:TieSet {id: r[0], account_id: r[1], version: 1, half_life_days: r[2], data: r[3]})
RETURN count(*) AS created
