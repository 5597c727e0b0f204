-- IncidentBot schema, SQLite: initial
CREATE TABLE "counters" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_counters" PRIMARY KEY,
    "Value" INTEGER NOT NULL
);
-- statement
CREATE TABLE "incidents" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_incidents" PRIMARY KEY AUTOINCREMENT,
    "Number" INTEGER NOT NULL,
    "Title" TEXT NOT NULL,
    "Description" TEXT NULL,
    "Service" TEXT NULL,
    "Severity" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "IsPrivate" INTEGER NOT NULL,
    "DeclaredBy" TEXT NOT NULL,
    "Platform" TEXT NOT NULL,
    "TenantId" TEXT NULL,
    "DeclaredAt" TEXT NOT NULL,
    "ImpactStartedAt" TEXT NULL,
    "IdentifiedAt" TEXT NULL,
    "MitigatedAt" TEXT NULL,
    "ResolvedAt" TEXT NULL,
    "ClosedAt" TEXT NULL,
    "Summary" TEXT NULL,
    "CancelReason" TEXT NULL,
    "DuplicateOfNumber" INTEGER NULL,
    "Version" INTEGER NOT NULL
);
-- statement
CREATE TABLE "outbox_messages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_outbox_messages" PRIMARY KEY AUTOINCREMENT,
    "Kind" TEXT NOT NULL,
    "Executor" TEXT NOT NULL,
    "Payload" TEXT NOT NULL,
    "IncidentId" INTEGER NULL,
    "OrderingKey" TEXT NULL,
    "Status" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "DueAt" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "LastError" TEXT NULL,
    "Result" TEXT NULL,
    "CompletedAt" TEXT NULL,
    "LockedBy" TEXT NULL,
    "LockedUntil" TEXT NULL
);
-- statement
CREATE TABLE "people" (
    "Key" TEXT NOT NULL CONSTRAINT "PK_people" PRIMARY KEY,
    "DisplayName" TEXT NOT NULL,
    "TenantId" TEXT NULL,
    "UpdatedAt" TEXT NOT NULL
);
-- statement
CREATE TABLE "action_items" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_action_items" PRIMARY KEY AUTOINCREMENT,
    "IncidentId" INTEGER NOT NULL,
    "Text" TEXT NOT NULL,
    "OwnerKey" TEXT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "Done" INTEGER NOT NULL,
    "TenantId" TEXT NULL,
    CONSTRAINT "FK_action_items_incidents_IncidentId" FOREIGN KEY ("IncidentId") REFERENCES "incidents" ("Id") ON DELETE CASCADE
);
-- statement
CREATE TABLE "incident_channels" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_incident_channels" PRIMARY KEY AUTOINCREMENT,
    "IncidentId" INTEGER NOT NULL,
    "Platform" TEXT NOT NULL,
    "ChannelId" TEXT NOT NULL,
    "TenantId" TEXT NULL,
    "Name" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_incident_channels_incidents_IncidentId" FOREIGN KEY ("IncidentId") REFERENCES "incidents" ("Id") ON DELETE CASCADE
);
-- statement
CREATE TABLE "incident_members" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_incident_members" PRIMARY KEY AUTOINCREMENT,
    "IncidentId" INTEGER NOT NULL,
    "PersonKey" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "Active" INTEGER NOT NULL,
    "Since" TEXT NOT NULL,
    "Until" TEXT NULL,
    "TenantId" TEXT NULL,
    CONSTRAINT "FK_incident_members_incidents_IncidentId" FOREIGN KEY ("IncidentId") REFERENCES "incidents" ("Id") ON DELETE CASCADE
);
-- statement
CREATE TABLE "role_assignments" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_role_assignments" PRIMARY KEY AUTOINCREMENT,
    "IncidentId" INTEGER NOT NULL,
    "Role" TEXT NOT NULL,
    "PersonKey" TEXT NOT NULL,
    "AssignedBy" TEXT NOT NULL,
    "AssignedAt" TEXT NOT NULL,
    "RelievedAt" TEXT NULL,
    "TenantId" TEXT NULL,
    CONSTRAINT "FK_role_assignments_incidents_IncidentId" FOREIGN KEY ("IncidentId") REFERENCES "incidents" ("Id") ON DELETE CASCADE
);
-- statement
CREATE TABLE "timeline_entries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_timeline_entries" PRIMARY KEY AUTOINCREMENT,
    "IncidentId" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "OccurredAt" TEXT NOT NULL,
    "RecordedAt" TEXT NOT NULL,
    "AuthorKey" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "Before" TEXT NULL,
    "After" TEXT NULL,
    "ExternalId" TEXT NULL,
    "Link" TEXT NULL,
    "Hidden" INTEGER NOT NULL,
    "MergedFromNumber" INTEGER NULL,
    "TenantId" TEXT NULL,
    CONSTRAINT "FK_timeline_entries_incidents_IncidentId" FOREIGN KEY ("IncidentId") REFERENCES "incidents" ("Id") ON DELETE CASCADE
);
-- statement
INSERT INTO "counters" ("Name", "Value")
VALUES ('incident', 0);
SELECT changes();
-- statement
CREATE INDEX "IX_action_items_IncidentId" ON "action_items" ("IncidentId");
-- statement
CREATE INDEX "IX_incident_channels_IncidentId" ON "incident_channels" ("IncidentId");
-- statement
CREATE UNIQUE INDEX "IX_incident_channels_Platform_ChannelId" ON "incident_channels" ("Platform", "ChannelId");
-- statement
CREATE UNIQUE INDEX "IX_incident_members_IncidentId_PersonKey_Source" ON "incident_members" ("IncidentId", "PersonKey", "Source");
-- statement
CREATE INDEX "IX_incident_members_PersonKey" ON "incident_members" ("PersonKey");
-- statement
CREATE UNIQUE INDEX "IX_incidents_Number" ON "incidents" ("Number");
-- statement
CREATE INDEX "IX_incidents_Status" ON "incidents" ("Status");
-- statement
CREATE INDEX "IX_outbox_messages_Executor_OrderingKey_Status" ON "outbox_messages" ("Executor", "OrderingKey", "Status");
-- statement
CREATE INDEX "IX_outbox_messages_Status_DueAt" ON "outbox_messages" ("Status", "DueAt");
-- statement
CREATE INDEX "IX_role_assignments_IncidentId_Role" ON "role_assignments" ("IncidentId", "Role");
-- statement
CREATE UNIQUE INDEX "IX_timeline_entries_IncidentId_ExternalId" ON "timeline_entries" ("IncidentId", "ExternalId") WHERE "ExternalId" IS NOT NULL;
-- statement
CREATE INDEX "IX_timeline_entries_IncidentId_OccurredAt" ON "timeline_entries" ("IncidentId", "OccurredAt");
