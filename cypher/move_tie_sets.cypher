// Contacts that moved to another account take their tie sets along.
UNWIND $rows AS r
MATCH (s:TieSet {id: r.id})
SET s.account_id = r.account_id
RETURN count(s) AS moved
