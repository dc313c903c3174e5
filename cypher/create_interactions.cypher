// Create new interactions. The caller read that these ids are not stored, or expects them not
// to be: the unique constraint on Interaction.id refuses the whole batch if one is (the caller
// then upserts the batch instead). $rows holds one list per interaction, in the order of
// records.INTERACTION_FIELDS (a null is not stored). Participants are id lists on the node: no
// edges, which cost the database ten times the node. The writer is already listed as
// pending (mark_pending_ties.cypher): until its tie sets are written, reports read the
// interactions themselves.
UNWIND $rows AS r
CREATE (i:Interaction {id: r[0], account_id: r[1], kind: r[2], occurred_at: r[3],
  team_ids: r[4], contact_ids: r[5], sentiment: r[6], concern: r[7], follow_up: r[8],
  subject: r[9], direction: r[10], answered: r[11]})
RETURN count(*) AS created
