// Write tie sets read at $rows[k].version, all or none: if another writer changed any of them
// since (its version moved on), nothing is written and the conflicting contact ids come back, so
// the caller reads them again and merges once more. A missing tie set has version 0.
UNWIND $rows AS r
OPTIONAL MATCH (s:TieSet {id: r.id})
WITH collect(CASE WHEN coalesce(s.version, 0) <> r.version THEN r.id END) AS conflicts
FOREACH (r IN CASE WHEN size(conflicts) = 0 THEN $rows ELSE [] END |
  MERGE (s:TieSet {id: r.id})
  SET s.account_id = r.account_id, s.version = r.version + 1,
    s.half_life_days = r.half_life_days, s.data = r.data)
RETURN conflicts
