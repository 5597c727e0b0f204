-- Claims walk the pending items key by key (see PostgresWorkQueue). Two partial indexes hold exactly what a claim reads:
-- pending keyed items in (topic, key, id) order, pending keyless items in due order. The index they replace also held
-- every settled item, and its plan could fall back to walking the primary key past all of them.
DROP INDEX IF EXISTS work_items_topic_key;
CREATE INDEX work_items_pending_keyed ON work_items (topic, key, id) WHERE status = 0 AND key IS NOT NULL;
CREATE INDEX work_items_pending_keyless ON work_items (topic, due_at, id) WHERE status = 0 AND key IS NULL;
