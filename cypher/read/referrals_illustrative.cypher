// Whether any referral in the graph is illustrative (generated for the demo).
MATCH (r:Referral)
RETURN count(r) AS referrals, count(CASE WHEN r.illustrative THEN 1 END) AS illustrative
