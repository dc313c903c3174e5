// Revoke one active API key; returns its id, or nothing when no active key has that id.
MATCH (k:ApiKey {id: $id})
WHERE k.revoked_at IS NULL
SET k.revoked_at = $at
RETURN k.id AS id
