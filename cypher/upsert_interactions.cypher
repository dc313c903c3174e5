// Create or update interactions with their ATTENDED edges from both sides, in one statement so a
// batch is written whole or not at all. Participants are also kept as id lists on the node, so a
// read needs no traversal. (Passes are separated by count(*) rather than CALL subqueries, which
// not every engine runs.)
UNWIND $rows AS row
MERGE (i:Interaction {id: row.id})
SET i += row.props
WITH count(*) AS merged
UNWIND $rows AS row
MATCH (i:Interaction {id: row.id})<-[old:ATTENDED]-()
DELETE old
WITH count(*) AS unlinked
UNWIND $rows AS row
MATCH (i:Interaction {id: row.id})
UNWIND row.props.team_ids AS team_id
MATCH (t:TeamMember {id: team_id})
CREATE (t)-[:ATTENDED]->(i)
WITH count(*) AS team_links
UNWIND $rows AS row
MATCH (i:Interaction {id: row.id})
UNWIND row.props.contact_ids AS contact_id
MATCH (c:Contact {id: contact_id})
CREATE (c)-[:ATTENDED]->(i)
RETURN count(*) AS contact_links
