// Which of the given ids exist, per label: to name unknown ones before anything is written.
RETURN [id IN $need_ids WHERE EXISTS { MATCH (:Need {id: id}) }] AS needs,
       [id IN $audience_ids WHERE EXISTS { MATCH (:Audience {id: id}) }] AS audiences,
       [id IN $activity_ids WHERE EXISTS { MATCH (:Activity {id: id}) }] AS activities,
       [id IN $organisation_ids WHERE EXISTS { MATCH (:Organisation {id: id}) }] AS organisations,
       [id IN $asset_ids WHERE EXISTS { MATCH (:Asset {id: id}) }] AS assets,
       [id IN $connector_ids WHERE EXISTS { MATCH (:Connector {id: id}) }] AS connectors,
       [code IN $practice_codes WHERE EXISTS { MATCH (:GPPractice {ods_code: code}) }] AS practices
