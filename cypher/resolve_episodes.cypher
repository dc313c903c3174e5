// Close the open episodes named in $episodes (account|kind): the accounts recovered.
UNWIND $episodes AS episode
MATCH (al:Alert {episode: episode})
WHERE al.episode_open = true
SET al.episode_open = false, al.resolved_at = $at
RETURN al.id AS id
