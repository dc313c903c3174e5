// Update interactions in place (participants are id lists on the node). The writer is
// already listed as pending (mark_pending_ties.cypher); it recomputes the tie sets of old and
// new participants.
UNWIND $rows AS row
MERGE (i:Interaction {id: row.id})
SET i += row.props
RETURN count(*) AS merged
