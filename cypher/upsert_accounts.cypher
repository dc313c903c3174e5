// Create or update accounts: one row per account, {id, props}; a null prop removes the property.
UNWIND $rows AS row
MERGE (a:Account {id: row.id})
SET a += row.props
