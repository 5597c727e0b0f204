using IncidentBot.Core.Domain;
using IncidentBot.Core.Input;
using IncidentBot.Core.Storage;

namespace IncidentBot.Core.Features;

/// <summary>Display names for people, for views.</summary>
public static class People
{
    public static async Task<IReadOnlyDictionary<string, string>> NamesAsync(IPeopleStore store, IEnumerable<string?> keys, CancellationToken cancellationToken)
    {
        var wanted = keys.Where(k => k != null).Select(k => k!).Distinct(StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, string>(await store.NamesAsync(wanted, cancellationToken), StringComparer.Ordinal);
        foreach (var key in wanted.Where(k => !found.ContainsKey(k)))
        {
            found[key] = FallbackName(key);
        }

        return found;
    }

    public static PersonView View(string key, IReadOnlyDictionary<string, string> names) =>
        new(key, names.TryGetValue(key, out var n) ? n : FallbackName(key));

    public static string FallbackName(string key) => PersonKey.TryParse(key, out _, out var id) ? id : key;

    /// <summary>A person as just seen, to remember: the name given (trimmed and clipped) or the id part of the key.</summary>
    public static Person Seen(string key, string? displayName, string? tenantId, DateTime now)
    {
        var name = InputLimits.Apply(InputField.DisplayName, displayName);
        return new Person
        {
            Key = key,
            DisplayName = string.IsNullOrEmpty(name) ? FallbackName(key) : name,
            TenantId = tenantId,
            UpdatedAt = now,
        };
    }
}
