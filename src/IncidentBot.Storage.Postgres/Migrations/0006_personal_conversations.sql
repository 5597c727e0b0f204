-- A personal (1:1) conversation remembers the person it is with, so the bot can write to them later (reminders).
ALTER TABLE conversation_references ADD COLUMN person_key text NULL;
CREATE INDEX conversation_references_person ON conversation_references (platform, person_key) WHERE person_key IS NOT NULL;
