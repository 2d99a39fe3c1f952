// Open Referral UK: assets are looked up by their ORUK service and service_at_location ids.
CREATE INDEX asset_oruk_service_id IF NOT EXISTS FOR (n:Asset) ON (n.oruk_service_id);
CREATE INDEX asset_oruk_sal_id IF NOT EXISTS FOR (n:Asset) ON (n.oruk_sal_id);
