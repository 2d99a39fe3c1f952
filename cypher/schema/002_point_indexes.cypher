// POINT indexes on every located label: "near X" searches seek on these.
CREATE POINT INDEX asset_location IF NOT EXISTS FOR (n:Asset) ON (n.location);
CREATE POINT INDEX gp_practice_location IF NOT EXISTS FOR (n:GPPractice) ON (n.location);
CREATE POINT INDEX area_centroid IF NOT EXISTS FOR (n:Area) ON (n.centroid);
CREATE POINT INDEX postcode_location IF NOT EXISTS FOR (n:Postcode) ON (n.location);
