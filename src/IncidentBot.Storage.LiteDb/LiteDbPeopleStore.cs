using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

internal sealed class LiteDbPeopleStore(LiteDbDatabase database, LiteDbWriter writer) : IPeopleStore
{
    public const int MaxDisplayNameLength = 200;

    public Task<IReadOnlyDictionary<string, string>> NamesAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (!names.ContainsKey(key) && database.People.FindById(key) is { } person)
            {
                names[key] = person.DisplayName;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, string>>(names);
    }

    public Task<IReadOnlyList<Person>> FindByNameAsync(string platform, string name, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var prefix = platform + ":";
        var wanted = name.Trim();
        var found = database.People.Find(Query.StartsWith("_id", prefix))
            .Where(p => string.Equals(p.DisplayName, wanted, StringComparison.OrdinalIgnoreCase)
                || string.Equals(p.Key[prefix.Length..], wanted, StringComparison.OrdinalIgnoreCase))
            .Take(limit)
            .ToList();
        return Task.FromResult<IReadOnlyList<Person>>(found);
    }

    public Task RememberAsync(Person person, CancellationToken cancellationToken) =>
        writer.RunAsync(scope =>
        {
            Remember(database, scope, person);
            return true;
        }, cancellationToken);

    /// <summary>Insert or refresh; a person seen without a tenant keeps the one stored.</summary>
    public static void Remember(LiteDbDatabase database, WriteScope scope, Person person)
    {
        var stored = database.People.FindById(person.Key);
        var name = person.DisplayName ?? string.Empty;
        name = name.Length > MaxDisplayNameLength ? name[..MaxDisplayNameLength] : name;
        var tenant = person.TenantId ?? stored?.TenantId;
        if (stored is not null && stored.DisplayName == name && stored.TenantId == tenant)
        {
            return; // nothing new: every message and reaction names its author, and rewriting them cost the writer
        }

        database.People.Upsert(new Person
        {
            Key = person.Key,
            DisplayName = name,
            TenantId = tenant,
            UpdatedAt = person.UpdatedAt == default ? scope.Now : person.UpdatedAt,
        });
    }
}
