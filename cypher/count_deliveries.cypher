// How many deliveries are pending, delivered and failed.
MATCH (d:Delivery)
RETURN d.status AS status, count(d) AS total
