// Every account, in id order.
MATCH (a:Account)
RETURN properties(a) AS props
ORDER BY a.id
