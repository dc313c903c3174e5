// Every (team member, contact) participation in one account's interactions: the naive read that
// the TIE aggregates spare a report (bench/ times it as the baseline).
MATCH (t:TeamMember)-[:ATTENDED]->(i:Interaction {account_id: $account_id})<-[:ATTENDED]-(c:Contact)
RETURN t.id AS team_id, c.id AS contact_id, i.kind AS kind, i.occurred_at AS occurred_at
