// Create new interactions and, in the same statement, the marker saying that their share of the
// tie sets is not folded in yet: a batch lands whole with its marker, or not at all. The caller
// read that these ids are not stored; the unique constraint on Interaction.id refuses the whole
// batch if another writer stored one meanwhile (the caller then upserts the batch instead).
// $rows holds each interaction's stored properties.
// Participants are id lists on the node: no edges, which cost the database ten times the node.
UNWIND $rows AS props
CREATE (i:Interaction)
SET i = props
WITH count(*) AS created
CREATE (p:PendingTies)
SET p = $pending
RETURN created
