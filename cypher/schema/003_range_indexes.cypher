// Range indexes for the properties that searches filter on.
CREATE INDEX asset_status IF NOT EXISTS FOR (n:Asset) ON (n.status);
CREATE INDEX asset_kind IF NOT EXISTS FOR (n:Asset) ON (n.kind);
CREATE INDEX asset_cost IF NOT EXISTS FOR (n:Asset) ON (n.cost);
CREATE INDEX asset_verified_at IF NOT EXISTS FOR (n:Asset) ON (n.verified_at);
CREATE INDEX asset_source IF NOT EXISTS FOR (n:Asset) ON (n.source, n.source_id);
CREATE INDEX asset_postcode IF NOT EXISTS FOR (n:Asset) ON (n.postcode);
CREATE INDEX organisation_charity_number IF NOT EXISTS FOR (n:Organisation) ON (n.charity_number);
CREATE INDEX organisation_company_number IF NOT EXISTS FOR (n:Organisation) ON (n.company_number);
CREATE INDEX area_level IF NOT EXISTS FOR (n:Area) ON (n.level);
CREATE INDEX referral_referred_on IF NOT EXISTS FOR (n:Referral) ON (n.referred_on);
CREATE INDEX gp_practice_name IF NOT EXISTS FOR (n:GPPractice) ON (n.name);
