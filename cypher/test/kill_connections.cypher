// Close the Bolt connections in $ids from the server side, as a restart or a network cut would.
CALL dbms.killConnections($ids) YIELD connectionId, message
RETURN connectionId AS id, message
