// Write the outcome of a try (status, tries, next try) and release the lease.
MATCH (d:Delivery {id: $id})
SET d += $props, d.lease_until = null
RETURN d.id AS id
