// Warm introduction chains from a GP practice to an asset, at most 4 hops: a connector who WORKS_AT
// the practice, then at most two KNOWS steps between connectors (either direction), then a connector
// who CONNECTS to the asset. Chains never visit a node twice and skip closed connectors. Shortest
// first, then the chains whose introducer has referred people to the asset most often.
MATCH (g:GPPractice {ods_code: $ods_code})
MATCH (target:Asset {id: $asset_id})
MATCH p = (g)<-[:WORKS_AT]-(:Connector) ((:Connector)-[:KNOWS]-(:Connector)){0,2} (last:Connector)-[:CONNECTS]->(target)
WITH p, nodes(p) AS ns, last, target
WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
  AND all(n IN ns WHERE NOT n:Connector OR coalesce(n.status, 'active') <> 'closed')
WITH p, ns, length(p) AS hops,
     COUNT { (r:Referral)-[:VIA]->(last) WHERE (r)-[:TO]->(target) } AS referrals
WITH p, ns, hops, referrals, [n IN ns | coalesce(n.id, n.ods_code)] AS keys
ORDER BY hops, referrals DESC, keys
LIMIT $limit
RETURN hops, referrals,
       [n IN ns | {kind: CASE WHEN n:GPPractice THEN 'gp' WHEN n:Connector THEN 'connector' ELSE 'asset' END,
                   id: coalesce(n.id, n.ods_code), name: coalesce(n.display_name, n.name), role: n.role,
                   illustrative: coalesce(n.illustrative, false)}] AS nodes,
       [r IN relationships(p) | type(r)] AS relationships
