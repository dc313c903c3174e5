// FalkorDB: exact-match indexes on every external id (statements separated by ';'); an index on
// a list property answers `x IN n.list`.
// Unique constraints are created by the adapter through GRAPH.CONSTRAINT, which needs these indexes.
CREATE INDEX FOR (n:Account) ON (n.id);
CREATE INDEX FOR (n:Contact) ON (n.id);
CREATE INDEX FOR (n:Contact) ON (n.account_id);
CREATE INDEX FOR (n:Contact) ON (n.email);
CREATE INDEX FOR (n:TeamMember) ON (n.id);
CREATE INDEX FOR (n:TeamMember) ON (n.email);
CREATE INDEX FOR (n:Interaction) ON (n.id);
CREATE INDEX FOR (n:Interaction) ON (n.account_id);
CREATE INDEX FOR (n:Interaction) ON (n.contact_ids);
CREATE INDEX FOR (n:TieSet) ON (n.id);
CREATE INDEX FOR (n:TieSet) ON (n.account_id);
CREATE INDEX FOR (n:TieWriters) ON (n.id);
CREATE INDEX FOR (n:RoleChange) ON (n.id);
CREATE INDEX FOR (n:RoleChange) ON (n.contact_id);
CREATE INDEX FOR (n:RoleChange) ON (n.account_id);
CREATE INDEX FOR (n:ApiKey) ON (n.id);
CREATE INDEX FOR (n:Alert) ON (n.id);
CREATE INDEX FOR (n:Alert) ON (n.account_id);
CREATE INDEX FOR (n:Alert) ON (n.episode);
CREATE INDEX FOR (n:Webhook) ON (n.id);
CREATE INDEX FOR (n:Delivery) ON (n.id);
CREATE INDEX FOR (n:Delivery) ON (n.status)
