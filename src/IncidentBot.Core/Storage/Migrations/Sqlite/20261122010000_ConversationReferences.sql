-- IncidentBot schema, Sqlite: conversation references learned from authenticated activities (Teams)
-- IncidentBot schema, SQLite: initial
CREATE TABLE "conversation_references" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_conversation_references" PRIMARY KEY AUTOINCREMENT,
    "Platform" TEXT NOT NULL,
    "ConversationId" TEXT NOT NULL,
    "ServiceUrl" TEXT NOT NULL,
    "TenantId" TEXT NULL,
    "ConversationType" TEXT NULL,
    "TeamId" TEXT NULL,
    "TeamAadGroupId" TEXT NULL,
    "ChannelId" TEXT NULL,
    "UpdatedAt" TEXT NOT NULL
);
-- statement
CREATE INDEX "IX_conversation_references_Platform_ChannelId" ON "conversation_references" ("Platform", "ChannelId");
-- statement
CREATE UNIQUE INDEX "IX_conversation_references_Platform_ConversationId" ON "conversation_references" ("Platform", "ConversationId");
