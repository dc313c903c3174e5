// The TIE aggregates between our team and the contacts of one account, one line of text per pair:
// "<length of the team id> <count> <first_at> <last_at> <half_life_days> <six decay masses>
// <team id><contact id>". A report reads thousands of pairs, and the client decodes every value
// of a result one at a time: one string per pair instead of eleven values makes the read ~5x
// faster. Zero masses (most of them) are written as '0' without formatting a float.
MATCH (t:TeamMember)-[r:TIE]->(c:Contact {account_id: $account_id})
RETURN toString(size(t.id)) + ' ' + toString(r.count) + ' ' + toString(r.first_at) + ' ' +
  toString(r.last_at) + ' ' + toString(r.half_life_days) + ' ' +
  CASE WHEN r.masses[0] = 0.0 THEN '0' ELSE toString(r.masses[0]) END + ' ' +
  CASE WHEN r.masses[1] = 0.0 THEN '0' ELSE toString(r.masses[1]) END + ' ' +
  CASE WHEN r.masses[2] = 0.0 THEN '0' ELSE toString(r.masses[2]) END + ' ' +
  CASE WHEN r.masses[3] = 0.0 THEN '0' ELSE toString(r.masses[3]) END + ' ' +
  CASE WHEN r.masses[4] = 0.0 THEN '0' ELSE toString(r.masses[4]) END + ' ' +
  CASE WHEN r.masses[5] = 0.0 THEN '0' ELSE toString(r.masses[5]) END + ' ' +
  t.id + c.id AS line
