using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The collections, their indexes and the upgrade path. <see cref="LiteDatabase.UserVersion"/> records the last step
/// applied; a later release adds a step instead of changing one.
/// </summary>
internal static class LiteDbSchema
{
    public const string Incidents = "incidents";
    public const string Timeline = "timeline";
    public const string Edits = "edits";
    public const string Channels = "channels";
    public const string People = "people";
    public const string Conversations = "conversations";
    public const string Messages = "messages";
    public const string Work = "work";
    public const string Sessions = "sessions";
    public const string Calendar = "calendar";
    public const string Documents = "documents";
    public const string Feeds = "feeds";

    private static readonly (int Version, Action<LiteDatabase> Apply)[] Steps =
    [
        (1, CreateIndexes),
        (2, ActionItemStatus),
        (3, OpenIncidentIndex),
        (4, DropWorkUniqueKeyIndex),
        (5, DropWorkStatusIndex),
    ];

    /// <summary>
    /// Keys compare as the platforms wrote them, byte for byte, as PostgreSQL compares them. A new file is created so
    /// (see <see cref="LiteDbDatabase"/>), an older one copied (<see cref="CopyWithCollation"/>); LiteDB's default,
    /// the culture's case-insensitive order, made every index insert a culture-aware comparison (the work queue's
    /// delivery keys were a fifth of the writer's time) and matched keys differing only in case.
    /// </summary>
    public static Collation Collation { get; } = new(System.Globalization.CultureInfo.InvariantCulture.LCID, System.Globalization.CompareOptions.Ordinal);

    public static int CurrentVersion => Steps[^1].Version;

    public static void Upgrade(LiteDatabase db)
    {
        var version = db.UserVersion;
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The LiteDB file is at schema version {version}, newer than this IncidentBot knows ({CurrentVersion}): run a newer release.");
        }

        foreach (var (stepVersion, apply) in Steps)
        {
            if (stepVersion > version)
            {
                apply(db);
                db.UserVersion = stepVersion;
            }
        }

        CreateMissingCollections(db);
    }

    /// <summary>
    /// Every collection exists before anyone reads or writes: LiteDB adds a collection inside the first transaction
    /// that writes to it, and a read snapshot opened on another thread meanwhile can find the new collection's page
    /// not yet a collection page ("page type must be collection page"), which stops the engine for good.
    /// </summary>
    private static void CreateMissingCollections(LiteDatabase db)
    {
        // An explicit string id, so no collection's Int64 id sequence moves.
        var placeholder = new BsonValue("incidentbot:create");
        foreach (var name in new[] { Incidents, Timeline, Edits, Channels, People, Conversations, Messages, Work, Sessions, Calendar, Documents, Feeds })
        {
            if (!db.CollectionExists(name))
            {
                var collection = db.GetCollection(name);
                collection.Insert(new BsonDocument { ["_id"] = placeholder });
                collection.Delete(placeholder);
            }
        }
    }

    /// <summary>Follow-ups had a <c>Done</c> flag; they have a status now (open, done, won't do).</summary>
    private static void ActionItemStatus(LiteDatabase db)
    {
        var incidents = db.GetCollection(Incidents);
        foreach (var doc in incidents.FindAll().ToList())
        {
            if (!doc.TryGetValue("ActionItems", out var items) || !items.IsArray || items.AsArray.Count == 0)
            {
                continue;
            }

            foreach (var item in items.AsArray.Where(i => i.IsDocument).Select(i => i.AsDocument))
            {
                var done = item.TryGetValue("Done", out var flag) && flag.IsBoolean && flag.AsBoolean;
                item.Remove("Done");
                if (!item.ContainsKey("Status"))
                {
                    item["Status"] = done ? "Done" : "Open";
                }
            }

            incidents.Update(doc);
        }
    }

    /// <summary>
    /// A file created before the collation was chosen is copied into a new file that has it, indexes first, then every
    /// document as it is; the old file stays beside it as <c>*.before-upgrade</c>. (LiteDB fixes a file's collation at
    /// creation, and its own rebuild fails on any collection of over 2,550 documents with a secondary index.)
    /// </summary>
    public static void CopyWithCollation(string path)
    {
        var copy = path + ".upgrading";
        DeleteWithLog(copy);
        using (var source = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }))
        using (var target = new LiteDatabase(new ConnectionString { Filename = copy, Connection = ConnectionType.Direct, Collation = Collation }))
        {
            target.UtcDate = source.UtcDate;
            foreach (var name in source.GetCollectionNames())
            {
                var to = target.GetCollection(name);
                foreach (var index in source.GetCollection("$indexes").Find(Query.EQ("collection", name)).Where(i => i["name"].AsString != "_id"))
                {
                    to.EnsureIndex(index["name"].AsString, BsonExpression.Create(index["expression"].AsString), index["unique"].AsBoolean);
                }

                to.InsertBulk(source.GetCollection(name).FindAll());
            }

            target.UserVersion = source.UserVersion;
        }

        File.Move(path, path + ".before-upgrade", overwrite: true);
        File.Move(copy, path);
    }

    private static void DeleteWithLog(string file)
    {
        File.Delete(file);
        File.Delete(LiteDbLogFile.PathOf(file));
    }

    /// <summary>Listing what is open must not read every incident ever declared.</summary>
    private static void OpenIncidentIndex(LiteDatabase db) => db.GetCollection(Incidents).EnsureIndex("Open", "$.Open");

    /// <summary>The writer knows every work item's unique key in memory; the file's index of them only cost every insert.</summary>
    private static void DropWorkUniqueKeyIndex(LiteDatabase db) => db.GetCollection(Work).DropIndex("UniqueKey");

    /// <summary>
    /// The writer knows every pending and parked item in memory (<see cref="UnsettledWorkIndex"/>). The file's index of
    /// statuses cost each command's insert a node, its completion a node moved, and every write of an item (accepted,
    /// claimed, completed) the index key worked out and compared. Without it, on 2 cores: 5-7 % less CPU per command at
    /// 1,500-2,000 commands/s, 14 % less at the ack peak, which rose by 12 %.
    /// </summary>
    private static void DropWorkStatusIndex(LiteDatabase db) => db.GetCollection(Work).DropIndex("Status");

    private static void CreateIndexes(LiteDatabase db)
    {
        var incidents = db.GetCollection(Incidents);
        incidents.EnsureIndex("Number", "$.Number", unique: true);
        incidents.EnsureIndex("Viewers", "$.Viewers[*]");

        db.GetCollection(Timeline).EnsureIndex("IncidentId", "$.IncidentId");
        db.GetCollection(Timeline).EnsureIndex("ExternalId", "$.ExternalId");
        db.GetCollection(Edits).EnsureIndex("IncidentId", "$.IncidentId");

        var channels = db.GetCollection(Channels);
        channels.EnsureIndex("ChannelId", "$.ChannelId");
        channels.EnsureIndex("IncidentId", "$.IncidentId");
        channels.EnsureIndex("PlatformChannel", "$.Platform + '|' + $.ChannelId", unique: true);

        var conversations = db.GetCollection(Conversations);
        conversations.EnsureIndex("ConversationId", "$.ConversationId");
        conversations.EnsureIndex("ServiceUrl", "$.ServiceUrl");
        conversations.EnsureIndex("Platform", "$.Platform");
        conversations.EnsureIndex("PersonKey", "$.PersonKey");

        db.GetCollection(Messages).EnsureIndex("IncidentId", "$.IncidentId");

        var work = db.GetCollection(Work);
        work.EnsureIndex("UniqueKey", "$.UniqueKey");
        work.EnsureIndex("Status", "$.Status");

        db.GetCollection(Feeds).EnsureIndex("PersonKey", "$.PersonKey");
    }
}
