-- IncidentBot schema, Sqlite: review sessions, bookings, documents, calendar feeds and timeline edits
-- IncidentBot schema, SQLite: initial
CREATE TABLE "calendar_feeds" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_calendar_feeds" PRIMARY KEY AUTOINCREMENT,
    "PersonKey" TEXT NOT NULL,
    "TokenHash" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "RevokedAt" TEXT NULL
);
-- statement
CREATE TABLE "review_sessions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_review_sessions" PRIMARY KEY AUTOINCREMENT,
    "StartUtc" TEXT NOT NULL,
    "ExtraCapacity" INTEGER NOT NULL,
    "Cancelled" INTEGER NOT NULL,
    "NotetakerKey" TEXT NULL,
    "AgendaSentAt" TEXT NULL
);
-- statement
CREATE TABLE "review_documents" (
    "IncidentId" INTEGER NOT NULL CONSTRAINT "PK_review_documents" PRIMARY KEY,
    "Markdown" TEXT NOT NULL,
    "GeneratedAt" TEXT NOT NULL,
    "TemplateErrors" TEXT NULL,
    CONSTRAINT "FK_review_documents_incidents_IncidentId" FOREIGN KEY ("IncidentId") REFERENCES "incidents" ("Id") ON DELETE CASCADE
);
-- statement
CREATE TABLE "review_bookings" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_review_bookings" PRIMARY KEY AUTOINCREMENT,
    "SessionId" INTEGER NOT NULL,
    "IncidentId" INTEGER NOT NULL,
    "Slot" INTEGER NOT NULL,
    "PresenterKey" TEXT NULL,
    "BookedAt" TEXT NOT NULL,
    CONSTRAINT "FK_review_bookings_incidents_IncidentId" FOREIGN KEY ("IncidentId") REFERENCES "incidents" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_review_bookings_review_sessions_SessionId" FOREIGN KEY ("SessionId") REFERENCES "review_sessions" ("Id") ON DELETE CASCADE
);
-- statement
CREATE TABLE "timeline_edits" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_timeline_edits" PRIMARY KEY AUTOINCREMENT,
    "EntryId" INTEGER NOT NULL,
    "EditorKey" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    "OldText" TEXT NOT NULL,
    "NewText" TEXT NOT NULL,
    "OldHidden" INTEGER NOT NULL,
    "NewHidden" INTEGER NOT NULL,
    CONSTRAINT "FK_timeline_edits_timeline_entries_EntryId" FOREIGN KEY ("EntryId") REFERENCES "timeline_entries" ("Id") ON DELETE CASCADE
);
-- statement
CREATE INDEX "IX_calendar_feeds_PersonKey" ON "calendar_feeds" ("PersonKey");
-- statement
CREATE UNIQUE INDEX "IX_calendar_feeds_TokenHash" ON "calendar_feeds" ("TokenHash");
-- statement
CREATE UNIQUE INDEX "IX_review_bookings_IncidentId" ON "review_bookings" ("IncidentId");
-- statement
CREATE INDEX "IX_review_bookings_SessionId" ON "review_bookings" ("SessionId");
-- statement
CREATE UNIQUE INDEX "IX_review_sessions_StartUtc" ON "review_sessions" ("StartUtc");
-- statement
CREATE INDEX "IX_timeline_edits_EntryId" ON "timeline_edits" ("EntryId");
