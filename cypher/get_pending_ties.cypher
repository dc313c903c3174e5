// Every writer that may have tie sets still to write.
MATCH (p:PendingTies)
RETURN p.session AS session, p.pid AS pid, p.host AS host, p.started_at AS started_at
