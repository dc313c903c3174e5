// FalkorDB: every property name the graph knows (see register_property_names_falkordb.cypher).
CALL db.propertyKeys() YIELD propertyKey
RETURN collect(propertyKey) AS names
