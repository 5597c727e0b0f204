using IncidentBot.Core.Domain;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// An incident as stored: the mapped incident (without timeline and channels) plus two derived fields for queries,
/// <c>Open</c> and <c>Viewers</c> (the active members' keys, multikey-indexed for the privacy filter).
/// </summary>
internal static class IncidentDocument
{
    public const string Version = nameof(Incident.Version);
    public const string Number = nameof(Incident.Number);

    public static BsonDocument From(BsonMapper mapper, Incident incident, int version)
    {
        var doc = mapper.ToDocument(incident);
        doc[Version] = version;
        doc["Open"] = !incident.Status.IsClosed();
        doc["Viewers"] = new BsonArray(incident.Members
            .Where(m => m.Active)
            .Select(m => m.PersonKey)
            .Distinct(StringComparer.Ordinal)
            .Select(key => new BsonValue(key)));
        return doc;
    }

    public static Incident To(BsonMapper mapper, BsonDocument doc) => mapper.ToObject<Incident>(doc);
}
