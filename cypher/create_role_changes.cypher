// Record role changes of contacts (title, seniority, reports_to, status or account).
UNWIND $rows AS row
MERGE (rc:RoleChange {id: row.id})
SET rc += row.props
