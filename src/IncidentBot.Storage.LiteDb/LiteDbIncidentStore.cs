using System.Collections.Concurrent;
using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

internal sealed class LiteDbIncidentStore : IIncidentStore
{
    private readonly LiteDbDatabase _database;
    private readonly LiteDbWriter _writer;
    private long _lastId;

    /// <summary>
    /// Each incident channel's incident, by platform and channel. Every command and event in a channel asks which
    /// incident it belongs to, and the two LiteDB queries that answered were a tenth of the bot's work per command.
    /// Channels are only ever added, by <see cref="LinkChannelAsync"/> on the writer thread of the one process that owns
    /// the file: so the map is exact, loaded at open (channels are small documents) and added to as each link commits.
    /// </summary>
    private readonly ConcurrentDictionary<(string Platform, string ChannelId), long> _incidentByChannel;

    /// <summary>Incident numbers by incident id, read once when first asked for: an incident keeps its number.</summary>
    private readonly ConcurrentDictionary<long, int> _numberById = new();

    public LiteDbIncidentStore(LiteDbDatabase database, LiteDbWriter writer)
    {
        _database = database;
        _writer = writer;
        _lastId = database.Incidents.Find(Query.All(Query.Descending), limit: 1).FirstOrDefault()?["_id"].AsInt64 ?? 0;
        _incidentByChannel = new ConcurrentDictionary<(string, string), long>(
            database.Channels.FindAll().Select(c => KeyValuePair.Create((c.Platform, c.ChannelId), c.IncidentId)));
    }

    public Task<long> NewIncidentIdAsync(CancellationToken cancellationToken) => Task.FromResult(Interlocked.Increment(ref _lastId));

    public Task<Incident?> FindAsync(int number, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(_database.Incidents.FindOne(LiteDbExpressions.Get($"$.{IncidentDocument.Number} = @0", number))));
    }

    public Task<Incident?> FindByIdAsync(long id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(_database.Incidents.FindById(id)));
    }

    public Task<IReadOnlyList<Incident>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<Incident> found = ids.Distinct().Select(id => Load(_database.Incidents.FindById(id))).OfType<Incident>().ToList();
        return Task.FromResult(found);
    }

    public Task<IncidentPage> ListAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var skip = Math.Max(0, query.Skip);
        var take = Math.Max(0, query.Take);
        if (query.Open == true)
        {
            // The Open index finds the few open incidents; they are ordered here, as LiteDB's sort sets up a sort
            // container per query (ten times the cost of the read itself when nothing is open).
            var open = Filter(query).ToList().OrderByDescending(d => d[IncidentDocument.Number].AsInt32).ToList();
            return Task.FromResult(new IncidentPage(open.Skip(skip).Take(take).Select(Load).OfType<Incident>().ToList(), open.Count));
        }

        // Any other listing walks the Number index newest first and stops at the page.
        var page = take == 0 ? [] : Filter(query)
            .OrderByDescending(LiteDbExpressions.Get("$.Number"))
            .Skip(skip)
            .Limit(take)
            .ToList()
            .Select(Load)
            .OfType<Incident>()
            .ToList();

        // A page that starts at the first match and stops short of its size holds every match: no need to count them.
        var total = skip == 0 && page.Count < take
            ? page.Count
            : Filter(query).Select(LiteDbExpressions.Get("{ count: COUNT(*._id) }")).ToDocuments().Single()["count"].AsInt32;
        return Task.FromResult(new IncidentPage(page, total));
    }

    public Task<int?> NumberByChannelAsync(string platform, string channelId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_incidentByChannel.TryGetValue((platform, channelId), out var incidentId))
        {
            return Task.FromResult<int?>(null);
        }

        if (_numberById.TryGetValue(incidentId, out var known))
        {
            return Task.FromResult<int?>(known);
        }

        if (_database.Incidents.FindById(incidentId)?[IncidentDocument.Number] is not { IsInt32: true } number)
        {
            return Task.FromResult<int?>(null);
        }

        _numberById[incidentId] = number.AsInt32;
        return Task.FromResult<int?>(number.AsInt32);
    }

    public Task<string?> ChannelIdAsync(long incidentId, string platform, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.Channels.Find(x => x.IncidentId == incidentId).Where(c => c.Platform == platform).MinBy(c => c.Id)?.ChannelId);
    }

    public Task<bool> LinkChannelAsync(IncidentChannel channel, CancellationToken cancellationToken) =>
        _writer.RunAsync(scope =>
        {
            if (_incidentByChannel.TryGetValue((channel.Platform, channel.ChannelId), out var linkedTo))
            {
                return linkedTo == channel.IncidentId;
            }

            if (channel.CreatedAt == default)
            {
                channel.CreatedAt = scope.Now;
            }

            channel.Id = 0;
            _database.Channels.Insert(channel);
            var key = (channel.Platform, channel.ChannelId);
            var incidentId = channel.IncidentId;
            scope.AfterCommit(() => _incidentByChannel[key] = incidentId);
            return true;
        }, cancellationToken);

    /// <summary>The query's filters; run it at once, on this thread (see <see cref="LiteDbExpressions"/>).</summary>
    private ILiteQueryable<BsonDocument> Filter(IncidentQuery query)
    {
        var q = _database.Incidents.Query();
        if (!query.SeesEverything)
        {
            q = q.Where(LiteDbExpressions.Get("($.IsPrivate = false OR $.Viewers[*] ANY = @0)", query.ViewerKey));
        }

        if (query.Open is { } open)
        {
            q = q.Where(LiteDbExpressions.Get("$.Open = @0", open));
        }

        if (!string.IsNullOrWhiteSpace(query.Severity))
        {
            q = q.Where(LiteDbExpressions.Get("LOWER($.Severity) = @0", query.Severity.Trim().ToLowerInvariant()));
        }

        if (query.Status is { } status)
        {
            q = q.Where(LiteDbExpressions.Get("$.Status = @0", status.ToString()));
        }

        if (!string.IsNullOrWhiteSpace(query.Service))
        {
            q = q.Where(LiteDbExpressions.Get("LOWER($.Service) = @0", query.Service.Trim().ToLowerInvariant()));
        }

        if (query.DeclaredFrom is { } from)
        {
            q = q.Where(LiteDbExpressions.Get("$.DeclaredAt >= @0", new BsonValue(LiteDbMapper.ToUtc(from))));
        }

        if (query.DeclaredBefore is { } before)
        {
            q = q.Where(LiteDbExpressions.Get("$.DeclaredAt < @0", new BsonValue(LiteDbMapper.ToUtc(before))));
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var search = query.Search.Trim().ToLowerInvariant();
            const string Text = "INDEXOF(LOWER($.Title), @0) >= 0 OR INDEXOF(LOWER(COALESCE($.Service, '')), @0) >= 0";
            q = ReferencedNumber(search) is { } number
                ? q.Where(LiteDbExpressions.Get($"({Text} OR $.Number = @1)", search, number))
                : q.Where(LiteDbExpressions.Get($"({Text})", search));
        }

        return q;
    }

    /// <summary><c>INC-42</c>, <c>inc-42</c> or <c>42</c> name incident 42.</summary>
    private static int? ReferencedNumber(string search)
    {
        var digits = search.StartsWith("INC-", StringComparison.OrdinalIgnoreCase) ? search[4..] : search;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    private Incident? Load(BsonDocument? doc)
    {
        if (doc is null)
        {
            return null;
        }

        var incident = IncidentDocument.To(_database.Mapper, doc);
        incident.Channels = _database.Channels.Find(x => x.IncidentId == incident.Id).OrderBy(c => c.Id).ToList();
        return incident;
    }
}
