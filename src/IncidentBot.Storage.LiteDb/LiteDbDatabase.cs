using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews;
using IncidentBot.Core.Storage;
using LiteDB;
using LiteDB.Engine;

namespace IncidentBot.Storage.LiteDb;

/// <summary>The open file: the process lock, the LiteDB connection and its collections.</summary>
internal sealed class LiteDbDatabase : IDisposable
{
    private readonly LiteDbFileLock _lock;
    private readonly LiteDbLogFile _log;

    private LiteDbDatabase(string path, LiteDbFileLock fileLock, LiteDbLogFile log, LiteDatabase db)
    {
        Path = path;
        _lock = fileLock;
        _log = log;
        Db = db;
        Mapper = db.Mapper;
        Incidents = db.GetCollection(LiteDbSchema.Incidents);
        Timeline = db.GetCollection<TimelineEntry>(LiteDbSchema.Timeline, BsonAutoId.Int64);
        Edits = db.GetCollection<TimelineEdit>(LiteDbSchema.Edits, BsonAutoId.Int64);
        Channels = db.GetCollection<IncidentChannel>(LiteDbSchema.Channels, BsonAutoId.Int64);
        People = db.GetCollection<Person>(LiteDbSchema.People);
        Conversations = db.GetCollection<ConversationReference>(LiteDbSchema.Conversations, BsonAutoId.Int64);
        Messages = db.GetCollection<IncidentMessage>(LiteDbSchema.Messages, BsonAutoId.Int64);
        Work = db.GetCollection<WorkItem>(LiteDbSchema.Work, BsonAutoId.Int64);
        Sessions = db.GetCollection(LiteDbSchema.Sessions);
        Calendar = db.GetCollection(LiteDbSchema.Calendar);
        Documents = db.GetCollection<ReviewDocument>(LiteDbSchema.Documents);
        Feeds = db.GetCollection<CalendarFeed>(LiteDbSchema.Feeds);
    }

    /// <summary>
    /// How long LiteDB lets its log grow (in 8 KB pages) before copying it into the data file. The copy holds LiteDB's
    /// exclusive lock, so every write waits for it, an acknowledgement's among them, for a time that grows with the log;
    /// LiteDB's default of 1,000 pages (8 MB) held acks for 11-14 ms at the 99th percentile at 2,000 commands/s on 2
    /// cores (3,000 pages: 28-33 ms; 100 to 300 pages: 8-11 ms, alike within the noise). Smaller copies, more often,
    /// cost no throughput that we could measure.
    /// </summary>
    internal const int CheckpointPages = 200;

    public string Path { get; }
    public LiteDatabase Db { get; }
    public BsonMapper Mapper { get; }

    /// <summary>Raw documents: the incident document carries derived fields (<c>Open</c>, <c>Viewers</c>) for queries.</summary>
    public ILiteCollection<BsonDocument> Incidents { get; }

    public ILiteCollection<TimelineEntry> Timeline { get; }
    public ILiteCollection<TimelineEdit> Edits { get; }
    public ILiteCollection<IncidentChannel> Channels { get; }
    public ILiteCollection<Person> People { get; }
    public ILiteCollection<ConversationReference> Conversations { get; }
    public ILiteCollection<IncidentMessage> Messages { get; }
    public ILiteCollection<WorkItem> Work { get; }

    /// <summary>Review sessions keyed by the ticks of their UTC start.</summary>
    public ILiteCollection<BsonDocument> Sessions { get; }

    /// <summary>One document: the calendar's revision and freeze checkpoint.</summary>
    public ILiteCollection<BsonDocument> Calendar { get; }

    public ILiteCollection<ReviewDocument> Documents { get; }
    public ILiteCollection<CalendarFeed> Feeds { get; }

    public static LiteDbDatabase Open(string path, TimeProvider clock)
    {
        if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var fileLock = LiteDbFileLock.Acquire(path);
        LiteDbLogFile? log = null;
        LiteDatabase? db = null;
        try
        {
            // LiteDB takes a collation only when it creates the file (an existing one with another fails to open).
            var collation = !File.Exists(path) || new FileInfo(path).Length == 0 ? LiteDbSchema.Collation : null;
            (log, db) = OpenEngine(path, collation);
            if (db.Collation.SortOptions != LiteDbSchema.Collation.SortOptions)
            {
                Close(ref log, ref db);
                LiteDbSchema.CopyWithCollation(path);
                (log, db) = OpenEngine(path, collation: null);
            }

            if (!db.UtcDate)
            {
                db.UtcDate = true;
            }

            if (db.CheckpointSize != CheckpointPages)
            {
                db.CheckpointSize = CheckpointPages;
            }

            LiteDbSchema.Upgrade(db);
            var database = new LiteDbDatabase(path, fileLock, log, db);
            database.FlushLogToDisk();
            return database;
        }
        catch
        {
            Close(ref log, ref db);
            fileLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// LiteDB opens the data file (and its sort buffers' file) by name as before; the log it is given as a stream, so
    /// that <see cref="FlushLogToDisk"/> can reach it.
    /// </summary>
    private static (LiteDbLogFile Log, LiteDatabase Db) OpenEngine(string path, Collation? collation)
    {
        var log = LiteDbLogFile.Open(path);
        try
        {
            var engine = new LiteEngine(new EngineSettings { Filename = path, LogStream = log.Stream, Collation = collation });
            return (log, new LiteDatabase(engine, LiteDbMapper.Create(), disposeOnClose: true));
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    private static void Close(ref LiteDbLogFile? log, ref LiteDatabase? db)
    {
        db?.Dispose();
        db = null;
        log?.Dispose();
        log = null;
    }

    /// <summary>
    /// Puts every committed page on disk. LiteDB's commit hands its pages to the operating system and returns; only
    /// this makes them survive a power cut or a crash of the machine, so no write is reported stored before it.
    /// </summary>
    public void FlushLogToDisk() => _log.FlushToDisk();

    public void Dispose()
    {
        Db.Dispose();
        _log.Dispose();
        _lock.Dispose();
    }
}
