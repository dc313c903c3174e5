// FalkorDB: exact-match indexes on every external id (statements separated by ';').
// Unique constraints are created by the adapter through GRAPH.CONSTRAINT, which needs these indexes.
CREATE INDEX FOR (n:Account) ON (n.id);
CREATE INDEX FOR (n:Contact) ON (n.id);
CREATE INDEX FOR (n:Contact) ON (n.account_id);
CREATE INDEX FOR (n:Contact) ON (n.email);
CREATE INDEX FOR (n:TeamMember) ON (n.id);
CREATE INDEX FOR (n:TeamMember) ON (n.email);
CREATE INDEX FOR (n:Interaction) ON (n.id);
CREATE INDEX FOR (n:Interaction) ON (n.account_id);
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
