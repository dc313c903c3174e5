// Create or update interactions (participants are id lists on the node), with the marker saying
// that the tie sets of their old and new participants must be recomputed, in one statement.
UNWIND $rows AS row
MERGE (i:Interaction {id: row.id})
SET i += row.props
WITH count(*) AS merged
CREATE (p:PendingTies)
SET p = $pending
RETURN merged
