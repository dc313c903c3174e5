// Every interaction each (team member, contact) pair shared, for recomputing their TIE.
UNWIND $pairs AS pair
MATCH (t:TeamMember {id: pair.team_id})-[:ATTENDED]->(i:Interaction)
MATCH (c:Contact {id: pair.contact_id})-[:ATTENDED]->(i)
RETURN pair.team_id AS team_id, pair.contact_id AS contact_id, i.kind AS kind,
  i.occurred_at AS occurred_at, i.direction AS direction, i.answered AS answered
