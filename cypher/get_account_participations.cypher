// Every (team member, contact) participation in one account's interactions: the naive read that
// the tie sets spare a report (bench/ times it as the baseline).
MATCH (i:Interaction {account_id: $account_id})
UNWIND i.team_ids AS team_id
UNWIND i.contact_ids AS contact_id
RETURN team_id, contact_id, i.kind AS kind, i.occurred_at AS occurred_at
