// FalkorDB: every property name a statement of stakegraph writes, made known to the graph once
// (store/falkor.py, ensure_schema). FalkorDB gives a name its number when a query that writes it
// is planned, and undoes that when the query fails: a create refused by a unique constraint then
// takes the number back even if another query, planned meanwhile on another connection, wrote
// nodes with it; the next new name gets the number, and those nodes' property is renamed (a test
// shows it on a bare FalkorDB). With every name known beforehand, no write adds one. A test
// checks this list holds every name the other statements and the model use.
CREATE (n {account_id: 0, accounts: 0, acknowledged_at: 0, acknowledged_by: 0, alert_id: 0, annual_value: 0,
  answered: 0, attempt_count: 0, attempts_json: 0, body_json: 0, buying_roles: 0, card: 0,
  changed_at: 0, changes: 0, changes_json: 0, checked_at: 0, concern: 0, contact_id: 0,
  contact_ids: 0, created_at: 0, data: 0, delivered_at: 0, department: 0, description: 0,
  direction: 0, disabled_at: 0, disabled_reason: 0, discovered: 0, domains: 0, email: 0,
  enabled: 0, episode: 0, episode_open: 0, follow_up: 0, format: 0, function: 0,
  half_life_days: 0, id: 0, key_hash: 0, kind: 0, kinds: 0, last_error: 0,
  lease_until: 0, locked_at: 0, name: 0, next_attempt_at: 0, occurred_at: 0, old_account_id: 0,
  props: 0, raised_at: 0, renewal_date: 0, reports_to: 0, resolved_at: 0, restricted: 0,
  revoked_at: 0, role: 0, scopes: 0, secret: 0, seniority: 0, sentiment: 0,
  stance: 0, status: 0, subject: 0, subject_id: 0, team_ids: 0, title: 0,
  url: 0, version: 0, webhook_id: 0, writers: 0})
DELETE n
