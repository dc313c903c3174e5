// Create or replace a webhook subscription: {id, props}.
MERGE (w:Webhook {id: $id})
SET w = $props
