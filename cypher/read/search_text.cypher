// Full-text matches on asset name and description (index asset_text) with Lucene relevance scores.
// $query is built from the words a person typed, with Lucene's special characters escaped.
CALL db.index.fulltext.queryNodes('asset_text', $query) YIELD node, score
RETURN node.id AS id, score
