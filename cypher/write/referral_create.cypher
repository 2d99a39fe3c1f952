// A referral recorded through the API (version 1): FROM a practice, TO an asset, VIA a connector
// when one is given. Pseudonymous: $props never holds patient data (see graph/referrals.py).
MATCH (a:Asset {id: $asset_id})
MATCH (g:GPPractice {ods_code: $practice_ods})
CREATE (r:Referral {id: $id})
SET r += $props,
    r.illustrative = false,
    r.version = 1,
    r.created_at = datetime($now),
    r.created_by = $actor,
    r.updated_at = datetime($now),
    r.updated_by = $actor
CREATE (r)-[:TO]->(a)
CREATE (r)-[:FROM]->(g)
WITH r
CALL (r) {
  MATCH (c:Connector {id: $connector_id})
  CREATE (r)-[:VIA]->(c)
}
RETURN r.id AS id
