// Every interaction up to $as_of that belongs to one account or that one of its contacts
// ($contact_ids) took part in.
MATCH (i:Interaction {account_id: $account_id})
WHERE i.occurred_at <= $as_of
RETURN properties(i) AS props
UNION
UNWIND $contact_ids AS cid
MATCH (i:Interaction)
WHERE cid IN i.contact_ids AND i.account_id <> $account_id AND i.occurred_at <= $as_of
RETURN properties(i) AS props
