using IncidentBot.Core.Domain;
using IncidentBot.Core.Inbox;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace IncidentBot.Core.Storage;

/// <summary>
/// The one database of an installation. Handlers use it directly; each provider has a subclass only so
/// that each can carry its own migrations.
/// </summary>
public abstract class IncidentDbContext(DbContextOptions options) : DbContext(options)
{
    public const string IncidentCounter = "incident";

    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<TimelineEntry> TimelineEntries => Set<TimelineEntry>();
    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();
    public DbSet<IncidentMember> IncidentMembers => Set<IncidentMember>();
    public DbSet<ActionItem> ActionItems => Set<ActionItem>();
    public DbSet<IncidentChannel> IncidentChannels => Set<IncidentChannel>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<Counter> Counters => Set<Counter>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();
    public DbSet<IncidentMessage> IncidentMessages => Set<IncidentMessage>();
    public DbSet<ConversationReference> ConversationReferences => Set<ConversationReference>();
    public DbSet<ReviewSession> ReviewSessions => Set<ReviewSession>();
    public DbSet<ReviewBooking> ReviewBookings => Set<ReviewBooking>();
    public DbSet<ReviewDocument> ReviewDocuments => Set<ReviewDocument>();
    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();
    public DbSet<TimelineEdit> TimelineEdits => Set<TimelineEdit>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Everything stored is UTC; SQLite hands DateTimes back unspecified, so say what they are.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Incident>(e =>
        {
            e.ToTable("incidents");
            e.HasIndex(i => i.Number).IsUnique();
            e.HasIndex(i => i.Status);
            e.Property(i => i.Title).HasMaxLength(Incident.MaxTitleLength);
            e.Property(i => i.Severity).HasMaxLength(64);
            e.Property(i => i.Status).HasConversion<string>().HasMaxLength(32);
            e.Property(i => i.DeclaredBy).HasMaxLength(200);
            e.Property(i => i.Platform).HasMaxLength(32);
            e.Property(i => i.TenantId).HasMaxLength(200);
            e.Property(i => i.Service).HasMaxLength(200);
            e.Property(i => i.Version).IsConcurrencyToken();
            e.Ignore(i => i.Reference);
            e.Ignore(i => i.IsOpen);
            e.HasMany(i => i.Timeline).WithOne().HasForeignKey(t => t.IncidentId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(i => i.Roles).WithOne().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(i => i.Members).WithOne().HasForeignKey(m => m.IncidentId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(i => i.ActionItems).WithOne().HasForeignKey(a => a.IncidentId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(i => i.Channels).WithOne().HasForeignKey(c => c.IncidentId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TimelineEntry>(e =>
        {
            e.ToTable("timeline_entries");
            e.HasIndex(t => new { t.IncidentId, t.OccurredAt });
            // The same captured message is stored once per incident.
            e.HasIndex(t => new { t.IncidentId, t.ExternalId }).IsUnique().HasFilter("\"ExternalId\" IS NOT NULL");
            e.Property(t => t.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(t => t.AuthorKey).HasMaxLength(200);
            e.Property(t => t.ExternalId).HasMaxLength(300);
            e.Property(t => t.Before).HasMaxLength(200);
            e.Property(t => t.After).HasMaxLength(200);
            e.Property(t => t.Link).HasMaxLength(2000);
            e.Property(t => t.TenantId).HasMaxLength(200);
        });

        modelBuilder.Entity<RoleAssignment>(e =>
        {
            e.ToTable("role_assignments");
            e.HasIndex(r => new { r.IncidentId, r.Role });
            e.Property(r => r.Role).HasMaxLength(64);
            e.Property(r => r.PersonKey).HasMaxLength(200);
            e.Property(r => r.AssignedBy).HasMaxLength(200);
            e.Property(r => r.TenantId).HasMaxLength(200);
        });

        modelBuilder.Entity<IncidentMember>(e =>
        {
            e.ToTable("incident_members");
            e.HasIndex(m => new { m.IncidentId, m.PersonKey, m.Source }).IsUnique();
            e.HasIndex(m => m.PersonKey);
            e.Property(m => m.PersonKey).HasMaxLength(200);
            e.Property(m => m.Source).HasConversion<string>().HasMaxLength(32);
            e.Property(m => m.TenantId).HasMaxLength(200);
        });

        modelBuilder.Entity<ActionItem>(e =>
        {
            e.ToTable("action_items");
            e.HasIndex(a => a.IncidentId);
            e.Property(a => a.OwnerKey).HasMaxLength(200);
            e.Property(a => a.CreatedBy).HasMaxLength(200);
            e.Property(a => a.TenantId).HasMaxLength(200);
        });

        modelBuilder.Entity<IncidentChannel>(e =>
        {
            e.ToTable("incident_channels");
            e.HasIndex(c => new { c.Platform, c.ChannelId }).IsUnique();
            e.Property(c => c.Platform).HasMaxLength(32);
            e.Property(c => c.ChannelId).HasMaxLength(300);
            e.Property(c => c.TenantId).HasMaxLength(200);
            e.Property(c => c.Name).HasMaxLength(200);
        });

        modelBuilder.Entity<Person>(e =>
        {
            e.ToTable("people");
            e.HasKey(p => p.Key);
            e.Property(p => p.Key).HasMaxLength(200);
            e.Property(p => p.DisplayName).HasMaxLength(200);
            e.Property(p => p.TenantId).HasMaxLength(200);
        });

        modelBuilder.Entity<Counter>(e =>
        {
            e.ToTable("counters");
            e.HasKey(c => c.Name);
            e.Property(c => c.Name).HasMaxLength(64);
            e.HasData(new Counter { Name = IncidentCounter, Value = 0 });
        });

        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasIndex(o => new { o.Status, o.DueAt });
            e.HasIndex(o => new { o.Executor, o.OrderingKey, o.Status });
            e.Property(o => o.Kind).HasMaxLength(100);
            e.Property(o => o.Executor).HasMaxLength(100);
            e.Property(o => o.OrderingKey).HasMaxLength(300);
            e.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(o => o.LockedBy).HasMaxLength(200);
        });

        ConfigureDeliveryTables(modelBuilder);
    }

    private static void ConfigureDeliveryTables(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasIndex(m => new { m.Source, m.ExternalId }).IsUnique();
            e.HasIndex(m => new { m.Status, m.DueAt });
            e.Property(m => m.Source).HasMaxLength(32);
            e.Property(m => m.OrderingKey).HasMaxLength(300);
            e.Property(m => m.ExternalId).HasMaxLength(300);
            e.Property(m => m.Kind).HasMaxLength(64);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.LockedBy).HasMaxLength(200);
        });

        modelBuilder.Entity<IncidentMessage>(e =>
        {
            e.ToTable("incident_messages");
            e.HasIndex(m => new { m.IncidentId, m.Platform, m.Kind }).IsUnique();
            e.Property(m => m.Platform).HasMaxLength(32);
            e.Property(m => m.Kind).HasMaxLength(64);
            e.Property(m => m.ConversationId).HasMaxLength(300);
            e.Property(m => m.MessageId).HasMaxLength(300);
            e.HasOne<Incident>().WithMany().HasForeignKey(m => m.IncidentId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ConversationReference>(e =>
        {
            e.ToTable("conversation_references");
            e.HasIndex(c => new { c.Platform, c.ConversationId }).IsUnique();
            e.HasIndex(c => new { c.Platform, c.ChannelId });
            e.Property(c => c.Platform).HasMaxLength(32);
            e.Property(c => c.ConversationId).HasMaxLength(300);
            e.Property(c => c.ServiceUrl).HasMaxLength(500);
            e.Property(c => c.TenantId).HasMaxLength(200);
            e.Property(c => c.ConversationType).HasMaxLength(32);
            e.Property(c => c.TeamId).HasMaxLength(300);
            e.Property(c => c.TeamAadGroupId).HasMaxLength(100);
            e.Property(c => c.ChannelId).HasMaxLength(300);
        });

        modelBuilder.Entity<ReviewSession>(e =>
        {
            e.ToTable("review_sessions");
            e.HasIndex(s => s.StartUtc).IsUnique();
            e.Property(s => s.NotetakerKey).HasMaxLength(200);
            e.HasMany(s => s.Bookings).WithOne().HasForeignKey(b => b.SessionId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ReviewBooking>(e =>
        {
            e.ToTable("review_bookings");
            e.HasIndex(b => b.IncidentId).IsUnique();
            e.Property(b => b.PresenterKey).HasMaxLength(200);
            e.HasOne<Incident>().WithMany().HasForeignKey(b => b.IncidentId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TimelineEdit>(e =>
        {
            e.ToTable("timeline_edits");
            e.HasIndex(x => x.EntryId);
            e.Property(x => x.EditorKey).HasMaxLength(200);
            e.HasOne<TimelineEntry>().WithMany().HasForeignKey(x => x.EntryId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CalendarFeed>(e =>
        {
            e.ToTable("calendar_feeds");
            e.HasIndex(f => f.TokenHash).IsUnique();
            e.HasIndex(f => f.PersonKey);
            e.Property(f => f.PersonKey).HasMaxLength(200);
            e.Property(f => f.TokenHash).HasMaxLength(64);
        });

        modelBuilder.Entity<ReviewDocument>(e =>
        {
            e.ToTable("review_documents");
            e.HasKey(d => d.IncidentId);
            e.HasOne<Incident>().WithMany().HasForeignKey(d => d.IncidentId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? null : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? null : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}

/// <summary>The SQLite flavour (embedded default); exists so its migrations are its own.</summary>
public sealed class SqliteIncidentDbContext(DbContextOptions<SqliteIncidentDbContext> options) : IncidentDbContext(options);

/// <summary>The PostgreSQL flavour (several replicas); exists so its migrations are its own.</summary>
public sealed class PostgresIncidentDbContext(DbContextOptions<PostgresIncidentDbContext> options) : IncidentDbContext(options);
