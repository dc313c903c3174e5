// Add the decay masses of newly created interactions to the TIE aggregate of each pair
// (see stakegraph.model.snapshot.TieAggregate). One row per (team member, contact) pair.
UNWIND $rows AS row
MATCH (t:TeamMember {id: row.team_id})
MATCH (c:Contact {id: row.contact_id})
MERGE (t)-[r:TIE]->(c)
ON CREATE SET r.count = 0, r.masses = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  r.first_at = row.first_at, r.last_at = row.last_at, r.half_life_days = row.half_life_days
SET r.count = r.count + row.count,
  r.masses = [k IN range(0, 5) | r.masses[k] + row.masses[k]],
  r.first_at = CASE WHEN row.first_at < r.first_at THEN row.first_at ELSE r.first_at END,
  r.last_at = CASE WHEN row.last_at > r.last_at THEN row.last_at ELSE r.last_at END
