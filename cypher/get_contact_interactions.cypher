// What the tie set of each contact in $ids is made of: every interaction it took part in.
UNWIND $ids AS cid
MATCH (i:Interaction)
WHERE cid IN i.contact_ids
RETURN cid AS contact_id, i.team_ids AS team_ids, i.kind AS kind, i.occurred_at AS occurred_at,
  i.direction AS direction, i.answered AS answered
