// Delete a webhook subscription with its deliveries (their history goes with it).
MATCH (w:Webhook {id: $id})
OPTIONAL MATCH (d:Delivery)-[:TO]->(w)
DETACH DELETE d
WITH DISTINCT w
DETACH DELETE w
RETURN count(*) AS deleted
