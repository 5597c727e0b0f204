-- IncidentBot schema, Sqlite: inbox (deliveries stored before their ack) and messages kept current on platforms
CREATE TABLE "inbox_messages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_inbox_messages" PRIMARY KEY AUTOINCREMENT,
    "Source" TEXT NOT NULL,
    "ExternalId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Payload" TEXT NOT NULL,
    "OrderingKey" TEXT NULL,
    "ReceivedAt" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "DueAt" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "LastError" TEXT NULL,
    "CompletedAt" TEXT NULL,
    "LockedBy" TEXT NULL,
    "LockedUntil" TEXT NULL
);
-- statement
CREATE TABLE "incident_messages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_incident_messages" PRIMARY KEY AUTOINCREMENT,
    "IncidentId" INTEGER NOT NULL,
    "Platform" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "ConversationId" TEXT NOT NULL,
    "MessageId" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_incident_messages_incidents_IncidentId" FOREIGN KEY ("IncidentId") REFERENCES "incidents" ("Id") ON DELETE CASCADE
);
-- statement
CREATE UNIQUE INDEX "IX_inbox_messages_Source_ExternalId" ON "inbox_messages" ("Source", "ExternalId");
-- statement
CREATE INDEX "IX_inbox_messages_Status_DueAt" ON "inbox_messages" ("Status", "DueAt");
-- statement
CREATE UNIQUE INDEX "IX_incident_messages_IncidentId_Platform_Kind" ON "incident_messages" ("IncidentId", "Platform", "Kind");
