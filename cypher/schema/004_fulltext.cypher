// Full-text search over what an asset is called and what happens there.
CREATE FULLTEXT INDEX asset_text IF NOT EXISTS FOR (n:Asset) ON EACH [n.name, n.description];
