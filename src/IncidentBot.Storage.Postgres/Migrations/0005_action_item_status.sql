-- Follow-ups had a Done flag; they have a Status now (Open, Done, WontDo), stored by name like every enum.
UPDATE incidents
SET body = jsonb_set(body, '{ActionItems}', (
    SELECT jsonb_agg(
        (item - 'Done') || jsonb_build_object('Status',
            COALESCE(item->>'Status', CASE WHEN (item->>'Done')::boolean THEN 'Done' ELSE 'Open' END))
        ORDER BY position)
    FROM jsonb_array_elements(body->'ActionItems') WITH ORDINALITY AS items(item, position)))
WHERE jsonb_typeof(body->'ActionItems') = 'array' AND jsonb_array_length(body->'ActionItems') > 0;
