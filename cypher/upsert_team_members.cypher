// Create or update our team members: one row per member, {id, props}.
UNWIND $rows AS row
MERGE (t:TeamMember {id: row.id})
SET t += row.props
