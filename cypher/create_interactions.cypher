// Create new interactions, their ATTENDED edges and their share of the TIE aggregates, in one
// statement: a batch lands whole, ties included, or not at all. The caller read that these ids
// are not stored; the unique constraint on Interaction.id refuses the whole batch if another
// writer stored one meanwhile (the caller then upserts the batch instead). $ties holds one row
// per (team member, contact) pair, as for add_tie_masses. Cheaper than upsert_interactions: no
// MERGE and no old edges to remove.
UNWIND $rows AS row
CREATE (i:Interaction)
SET i = row.props
WITH count(*) AS created
UNWIND $rows AS row
MATCH (i:Interaction {id: row.id})
UNWIND row.props.team_ids AS team_id
MATCH (t:TeamMember {id: team_id})
CREATE (t)-[:ATTENDED]->(i)
WITH count(*) AS team_links
UNWIND $rows AS row
MATCH (i:Interaction {id: row.id})
UNWIND row.props.contact_ids AS contact_id
MATCH (c:Contact {id: contact_id})
CREATE (c)-[:ATTENDED]->(i)
WITH count(*) AS contact_links
UNWIND $ties AS row
MATCH (t:TeamMember {id: row.team_id})
MATCH (c:Contact {id: row.contact_id})
MERGE (t)-[r:TIE]->(c)
ON CREATE SET r.count = 0, r.masses = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  r.first_at = row.first_at, r.last_at = row.last_at, r.half_life_days = row.half_life_days
SET r.count = r.count + row.count,
  r.masses = [k IN range(0, 5) | r.masses[k] + row.masses[k]],
  r.first_at = CASE WHEN row.first_at < r.first_at THEN row.first_at ELSE r.first_at END,
  r.last_at = CASE WHEN row.last_at > r.last_at THEN row.last_at ELSE r.last_at END
RETURN count(*) AS ties
