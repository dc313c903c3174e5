// Every marker of tie sets not yet brought up to date, with the session that left it.
MATCH (p:PendingTies)
RETURN p.session AS session, p.pid AS pid, p.host AS host, p.started_at AS started_at,
  p.contact_ids AS contact_ids
