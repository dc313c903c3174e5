// Write tie sets read at version $rows[k][2], all or none: if another writer changed any of them
// since (its version moved on), nothing is written and the conflicting contact ids come back, so
// the caller reads them again and merges once more. $rows holds one list per contact: id,
// account_id, version, half_life_days, data. Tie sets that did not exist when read are created
// by create_tie_sets.cypher instead.
UNWIND $rows AS r
OPTIONAL MATCH (s:TieSet {id: r[0]})
WITH collect(CASE WHEN coalesce(s.version, 0) <> r[2] THEN r[0] END) AS conflicts
FOREACH (r IN CASE WHEN size(conflicts) = 0 THEN $rows ELSE [] END |
  MERGE (s:TieSet {id: r[0]})
  SET s.account_id = r[1], s.version = r[2] + 1, s.half_life_days = r[3], s.data = r[4])
RETURN conflicts
