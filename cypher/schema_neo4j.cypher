// Neo4j 5: unique constraints (which also index) and lookup indexes (statements separated by ';').
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (n:Contact) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT team_member_id IF NOT EXISTS FOR (n:TeamMember) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (n:Interaction) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT role_change_id IF NOT EXISTS FOR (n:RoleChange) REQUIRE n.id IS UNIQUE;
CREATE INDEX contact_account IF NOT EXISTS FOR (n:Contact) ON (n.account_id);
CREATE INDEX contact_email IF NOT EXISTS FOR (n:Contact) ON (n.email);
CREATE INDEX team_member_email IF NOT EXISTS FOR (n:TeamMember) ON (n.email);
CREATE INDEX interaction_account IF NOT EXISTS FOR (n:Interaction) ON (n.account_id);
CREATE CONSTRAINT tie_set_id IF NOT EXISTS FOR (n:TieSet) REQUIRE n.id IS UNIQUE;
CREATE INDEX tie_set_account IF NOT EXISTS FOR (n:TieSet) ON (n.account_id);
CREATE CONSTRAINT tie_writers_id IF NOT EXISTS FOR (n:TieWriters) REQUIRE n.id IS UNIQUE;
CREATE INDEX role_change_contact IF NOT EXISTS FOR (n:RoleChange) ON (n.contact_id);
CREATE INDEX role_change_account IF NOT EXISTS FOR (n:RoleChange) ON (n.account_id);
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT alert_id IF NOT EXISTS FOR (n:Alert) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (n:Webhook) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT delivery_id IF NOT EXISTS FOR (n:Delivery) REQUIRE n.id IS UNIQUE;
CREATE INDEX alert_account IF NOT EXISTS FOR (n:Alert) ON (n.account_id);
CREATE INDEX alert_episode IF NOT EXISTS FOR (n:Alert) ON (n.episode);
CREATE INDEX delivery_status IF NOT EXISTS FOR (n:Delivery) ON (n.status)
