// One API key: its hash, scopes and account allow-list (never the key itself).
MERGE (k:ApiKey {id: $key.id})
SET k += $key
