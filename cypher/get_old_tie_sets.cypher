// Up to $limit tie sets whose data is not of the format $format (see stakegraph.store.tiesets:
// the current format's data starts with its name), to be rewritten in it.
MATCH (s:TieSet)
WHERE NOT s.data STARTS WITH $format
RETURN s.id AS contact_id, s.account_id AS account_id, s.version AS version,
  s.half_life_days AS half_life_days, s.data AS data
LIMIT $limit
