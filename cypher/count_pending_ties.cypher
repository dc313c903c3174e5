// How many markers name one of $contact_ids: when any does, their tie sets may lag behind the
// interactions and a report must read the interactions themselves. Costs one label count when,
// as usual, no writer is in the middle of an import.
OPTIONAL MATCH (p:PendingTies)
WITH count(p) AS markers
UNWIND CASE WHEN markers = 0 THEN [] ELSE $contact_ids END AS cid
MATCH (p:PendingTies)
WHERE cid IN p.contact_ids
RETURN count(p) AS pending
