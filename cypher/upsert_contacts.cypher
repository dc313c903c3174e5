// Create or update contacts with their WORKS_AT and REPORTS_TO edges, in one statement so that a
// batch is written whole or not at all. Managers may be created by the same batch, hence the
// second pass over the rows once every node exists.
UNWIND $rows AS row
MERGE (c:Contact {id: row.id})
SET c += row.props
WITH count(*) AS merged
UNWIND $rows AS row
MATCH (c:Contact {id: row.id})
OPTIONAL MATCH (c)-[old:WORKS_AT|REPORTS_TO]->()
DELETE old
WITH DISTINCT c, row
MATCH (a:Account {id: row.props.account_id})
CREATE (c)-[:WORKS_AT]->(a)
WITH c, row
WHERE row.props.reports_to IS NOT NULL
MATCH (m:Contact {id: row.props.reports_to})
CREATE (c)-[:REPORTS_TO]->(m)
