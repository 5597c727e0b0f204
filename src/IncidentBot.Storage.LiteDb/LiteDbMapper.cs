using IncidentBot.Core.Domain;
using IncidentBot.Core.Reviews;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>How the domain types become documents, configured here so the domain needs no LiteDB attributes.</summary>
internal static class LiteDbMapper
{
    public static BsonMapper Create()
    {
        // LiteDB's defaults would turn "" into null and trim strings: stored text must come back as written.
        var mapper = new BsonMapper
        {
            EmptyStringToNull = false,
            TrimWhitespace = false,
            SerializeNullValues = false,
            EnumAsInteger = false,
        };
        mapper.RegisterType(value => new BsonValue(ToUtc(value)), bson => bson.AsDateTime.ToUniversalTime());

        // A day (a follow-up's due date) is no instant: stored as its ISO text, never shifted by a time zone.
        mapper.RegisterType(value => new BsonValue(value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            bson => DateOnly.ParseExact(bson.AsString, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        mapper.Entity<Incident>()
            .Id(x => x.Id, autoId: false)
            .Ignore(x => x.Timeline)
            .Ignore(x => x.Channels)
            .Ignore(x => x.Reference)
            .Ignore(x => x.IsOpen);
        mapper.Entity<Person>().Id(x => x.Key, autoId: false);
        mapper.Entity<ReviewDocument>().Id(x => x.IncidentId, autoId: false);
        mapper.Entity<CalendarFeed>().Id(x => x.TokenHash, autoId: false);
        return mapper;
    }

    /// <summary>Dates are UTC throughout; an unspecified kind is taken as UTC rather than shifted as local time.</summary>
    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    public static BsonValue Date(DateTime? value) => value is { } v ? new BsonValue(ToUtc(v)) : BsonValue.Null;

    public static DateTime? Date(BsonValue value) => value.IsDateTime ? value.AsDateTime.ToUniversalTime() : null;
}
