// Drop the markers of one writing session once its tie sets are written.
MATCH (p:PendingTies {session: $session})
DELETE p
RETURN count(*) AS deleted
