// Replace the TIE aggregate of each pair with one recomputed from all its interactions; a pair
// with no interaction left loses its TIE.
UNWIND $rows AS row
MATCH (t:TeamMember {id: row.team_id})
MATCH (c:Contact {id: row.contact_id})
OPTIONAL MATCH (t)-[old:TIE]->(c)
DELETE old
WITH t, c, row
WHERE row.count > 0
CREATE (t)-[:TIE {count: row.count, masses: row.masses, first_at: row.first_at,
  last_at: row.last_at, half_life_days: row.half_life_days}]->(c)
