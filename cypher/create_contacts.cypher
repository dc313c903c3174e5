// Create new contacts with their WORKS_AT and REPORTS_TO edges, in one statement so that a batch
// is written whole or not at all. The caller read that these ids are not stored: the unique
// constraint on Contact.id refuses the whole batch if one is (the caller then reads again). No
// MERGE and no old edges to remove: what a first import writes costs the database a quarter less
// than upsert_contacts.cypher. $rows holds one list per contact, in the order of
// records.CONTACT_FIELDS (a null is not stored). Managers may be created by the same batch,
// hence the second pass over the rows once every node exists.
UNWIND $rows AS r
CREATE (:Contact {id: r[0], account_id: r[1], name: r[2], email: r[3], title: r[4],
  department: r[5], seniority: r[6], function: r[7], reports_to: r[8], buying_roles: r[9],
  stance: r[10], status: r[11], discovered: r[12], card: r[13]})
WITH count(*) AS created
UNWIND $rows AS r
MATCH (c:Contact {id: r[0]})
MATCH (a:Account {id: r[1]})
CREATE (c)-[:WORKS_AT]->(a)
WITH c, r
WHERE r[8] IS NOT NULL
MATCH (m:Contact {id: r[8]})
CREATE (c)-[:REPORTS_TO]->(m)
