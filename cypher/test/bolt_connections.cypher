// The Bolt connections the server holds open, for tests that drop a client's connections.
CALL dbms.listConnections() YIELD connectionId, connector
WHERE connector = 'bolt'
RETURN connectionId AS id
