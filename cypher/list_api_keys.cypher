// Every API key, oldest first.
MATCH (k:ApiKey)
RETURN k.id AS id, k.name AS name, k.scopes AS scopes, k.accounts AS accounts,
       k.restricted AS restricted, k.key_hash AS key_hash, k.created_at AS created_at,
       k.revoked_at AS revoked_at
ORDER BY k.created_at, k.id
