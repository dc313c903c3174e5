// Delete an account with its contacts (and their edges) once its interactions are gone.
MATCH (a:Account {id: $account_id})
OPTIONAL MATCH (c:Contact {account_id: $account_id})
DETACH DELETE c
WITH DISTINCT a
DETACH DELETE a
RETURN count(*) AS deleted
