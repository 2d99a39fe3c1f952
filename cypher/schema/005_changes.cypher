// Changes made through the API: history nodes and API tokens (stored as a hash only).
CREATE CONSTRAINT change_id IF NOT EXISTS FOR (n:Change) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.token_hash IS UNIQUE;
CREATE CONSTRAINT create_key IF NOT EXISTS FOR (n:CreateKey) REQUIRE n.key IS UNIQUE;
