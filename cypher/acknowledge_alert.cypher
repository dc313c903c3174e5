// Acknowledge an alert; the first acknowledgement (time and who) is kept.
MATCH (al:Alert {id: $id})
SET al.acknowledged_at = coalesce(al.acknowledged_at, $at),
  al.acknowledged_by = coalesce(al.acknowledged_by, $by)
RETURN properties(al) AS props
