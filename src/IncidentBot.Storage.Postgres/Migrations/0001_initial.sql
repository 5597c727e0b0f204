-- IncidentBot on PostgreSQL: the first schema. Applied by PostgresMigrator in one transaction.

CREATE SEQUENCE incident_ids;

-- Atomic counters bumped inside the writing transaction (a rollback gives the value back).
CREATE TABLE counters (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO counters (name, value) VALUES ('incident_number', 0);

-- The incident aggregate as a document; the columns are what queries filter and sort on.
CREATE TABLE incidents (
    id          bigint PRIMARY KEY,
    number      int NOT NULL UNIQUE,
    version     int NOT NULL,
    status      text NOT NULL,
    severity    text NOT NULL,
    is_private  boolean NOT NULL,
    title       text NOT NULL,
    member_keys text[] NOT NULL DEFAULT '{}',
    declared_at timestamptz NOT NULL,
    body        jsonb NOT NULL
);
CREATE INDEX incidents_member_keys ON incidents USING gin (member_keys);

CREATE TABLE timeline_entries (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    external_id text NULL,
    occurred_at timestamptz NOT NULL,
    body        jsonb NOT NULL
);
CREATE INDEX timeline_entries_incident ON timeline_entries (incident_id, occurred_at, id);
CREATE UNIQUE INDEX timeline_entries_external ON timeline_entries (incident_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE timeline_edits (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    entry_id    bigint NOT NULL,
    at          timestamptz NOT NULL,
    body        jsonb NOT NULL
);
CREATE INDEX timeline_edits_incident ON timeline_edits (incident_id, at, id);

CREATE TABLE incident_channels (
    id          bigserial PRIMARY KEY,
    platform    text NOT NULL,
    channel_id  text NOT NULL,
    incident_id bigint NOT NULL,
    body        jsonb NOT NULL,
    CONSTRAINT incident_channels_channel UNIQUE (platform, channel_id)
);
CREATE INDEX incident_channels_incident ON incident_channels (incident_id, id);

CREATE TABLE people (
    key          text PRIMARY KEY,
    display_name text NOT NULL,
    tenant_id    text NULL,
    updated_at   timestamptz NOT NULL
);

CREATE TABLE conversation_references (
    id                bigserial PRIMARY KEY,
    platform          text NOT NULL,
    conversation_id   text NOT NULL,
    service_url       text NOT NULL,
    tenant_id         text NULL,
    conversation_type text NULL,
    team_id           text NULL,
    team_aad_group_id text NULL,
    channel_id        text NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT conversation_references_conversation UNIQUE (platform, conversation_id)
);
CREATE INDEX conversation_references_channel ON conversation_references (platform, channel_id);
CREATE INDEX conversation_references_service_url ON conversation_references (platform, service_url);

CREATE TABLE incident_messages (
    id              bigserial PRIMARY KEY,
    incident_id     bigint NOT NULL,
    platform        text NOT NULL,
    kind            text NOT NULL,
    conversation_id text NOT NULL,
    message_id      text NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT incident_messages_kind UNIQUE (incident_id, platform, kind)
);

CREATE TABLE review_sessions (
    start_utc timestamptz PRIMARY KEY,
    body      jsonb NOT NULL
);
CREATE INDEX review_sessions_bookings ON review_sessions USING gin ((body -> 'Bookings') jsonb_path_ops);

CREATE TABLE review_calendar (
    id                   int PRIMARY KEY CHECK (id = 1),
    revision             bigint NOT NULL,
    freeze_checked_up_to timestamptz NULL
);
INSERT INTO review_calendar (id, revision, freeze_checked_up_to) VALUES (1, 0, NULL);

CREATE TABLE review_documents (
    incident_id bigint PRIMARY KEY,
    body        jsonb NOT NULL
);

CREATE TABLE calendar_feeds (
    id         bigserial PRIMARY KEY,
    person_key text NOT NULL,
    token_hash text NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz NULL,
    CONSTRAINT calendar_feeds_token_hash UNIQUE (token_hash)
);
CREATE INDEX calendar_feeds_person ON calendar_feeds (person_key) WHERE revoked_at IS NULL;

-- The inbox, the outbox and timed work. status: 0 pending, 1 done, 2 parked, 3 cancelled (WorkStatus).
CREATE TABLE work_items (
    id           bigserial PRIMARY KEY,
    topic        text NOT NULL,
    key          text NULL,
    kind         text NOT NULL,
    payload      text NOT NULL,
    unique_key   text NULL,
    incident_id  bigint NULL,
    status       smallint NOT NULL,
    created_at   timestamptz NOT NULL,
    due_at       timestamptz NOT NULL,
    holds_key    boolean NOT NULL DEFAULT false,
    attempts     int NOT NULL DEFAULT 0,
    last_error   text NULL,
    result       text NULL,
    completed_at timestamptz NULL,
    lease_owner  text NULL,
    lease_until  timestamptz NULL,
    CONSTRAINT work_items_unique_key UNIQUE (unique_key)
);
-- The claim: earlier items of a key (NOT EXISTS probe) and the pending items of a topic by due time.
CREATE INDEX work_items_topic_key ON work_items (topic, status, key, id);
CREATE INDEX work_items_pending ON work_items (topic, due_at, id) WHERE status = 0;
CREATE INDEX work_items_settled ON work_items (completed_at) WHERE status IN (1, 3);
CREATE INDEX work_items_parked ON work_items (status) WHERE status = 2;
