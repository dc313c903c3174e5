// Bench only: forget every alert and outbox entry, so a scan of reused data raises afresh.
MATCH (n)
WHERE n:Alert OR n:Delivery
DETACH DELETE n
