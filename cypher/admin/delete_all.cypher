// Remove every node and relationship, in batches (tests and `db reset` only).
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
