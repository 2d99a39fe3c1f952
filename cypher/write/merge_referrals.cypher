// Pseudonymous referral events: practice, asset, connector, date, outcome. No patient data.
UNWIND $rows AS row
MATCH (a:Asset {id: row.asset_id})
MATCH (g:GPPractice {ods_code: row.practice_ods})
MERGE (r:Referral {id: row.id})
SET r.referred_on = row.referred_on, r.outcome = row.outcome, r.illustrative = row.illustrative
MERGE (r)-[:TO]->(a)
MERGE (r)-[:FROM]->(g)
WITH r, row
CALL (r, row) {
  MATCH (c:Connector {id: row.connector_id})
  MERGE (r)-[:VIA]->(c)
}
