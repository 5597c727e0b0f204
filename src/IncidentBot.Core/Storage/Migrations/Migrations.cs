using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IncidentBot.Core.Storage.Migrations;

// One class per step and provider; the SQL lives in the .sql file of the same id.

[DbContext(typeof(SqliteIncidentDbContext))]
[Migration("20261121000000_Initial")]
public sealed class SqliteInitial() : SqlMigration("Sqlite", "20261121000000_Initial");

[DbContext(typeof(PostgresIncidentDbContext))]
[Migration("20261121000000_Initial")]
public sealed class PostgresInitial() : SqlMigration("Postgres", "20261121000000_Initial");

[DbContext(typeof(SqliteIncidentDbContext))]
[Migration("20261122000000_Deliveries")]
public sealed class SqliteDeliveries() : SqlMigration("Sqlite", "20261122000000_Deliveries");

[DbContext(typeof(PostgresIncidentDbContext))]
[Migration("20261122000000_Deliveries")]
public sealed class PostgresDeliveries() : SqlMigration("Postgres", "20261122000000_Deliveries");

[DbContext(typeof(SqliteIncidentDbContext))]
[Migration("20261122010000_ConversationReferences")]
public sealed class SqliteConversationReferences() : SqlMigration("Sqlite", "20261122010000_ConversationReferences");

[DbContext(typeof(PostgresIncidentDbContext))]
[Migration("20261122010000_ConversationReferences")]
public sealed class PostgresConversationReferences() : SqlMigration("Postgres", "20261122010000_ConversationReferences");

[DbContext(typeof(SqliteIncidentDbContext))]
[Migration("20261122020000_Reviews")]
public sealed class SqliteReviews() : SqlMigration("Sqlite", "20261122020000_Reviews");

[DbContext(typeof(PostgresIncidentDbContext))]
[Migration("20261122020000_Reviews")]
public sealed class PostgresReviews() : SqlMigration("Postgres", "20261122020000_Reviews");
