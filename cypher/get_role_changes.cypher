// Recorded role changes, optionally of one account (old or new) or one contact, oldest first.
MATCH (rc:RoleChange)
WHERE ($account_id IS NULL OR rc.account_id = $account_id OR rc.old_account_id = $account_id)
  AND ($contact_id IS NULL OR rc.contact_id = $contact_id)
RETURN properties(rc) AS props
ORDER BY rc.changed_at, rc.id
