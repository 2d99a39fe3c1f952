// Provenance of rows merged into a record of another source (ingest de-duplication): one
// SourceRecord per (source, source id), linked SAME_AS the Asset or Organisation it duplicates.
CREATE CONSTRAINT source_record_key IF NOT EXISTS FOR (n:SourceRecord) REQUIRE n.key IS UNIQUE;
