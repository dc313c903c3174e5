// The TIE aggregates between our team and the contacts of one account.
MATCH (t:TeamMember)-[r:TIE]->(c:Contact {account_id: $account_id})
RETURN t.id AS team_id, c.id AS contact_id, r.count AS count, r.masses AS masses,
  r.first_at AS first_at, r.last_at AS last_at, r.half_life_days AS half_life_days
