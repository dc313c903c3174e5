// Every writer that may have tie sets still to write, as "session|pid|host|started_at".
OPTIONAL MATCH (w:TieWriters {id: 'writers'})
RETURN coalesce(w.writers, []) AS writers
