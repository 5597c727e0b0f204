using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace IncidentBot.Core.Features;

/// <summary>Remembers display names for people, and looks them up for views.</summary>
public static class People
{
    /// <summary>
    /// Insert-or-update in one statement (same syntax on SQLite and PostgreSQL), so two first requests from one
    /// new person at the same moment cannot collide on the key.
    /// </summary>
    public static Task RememberAsync(IncidentDbContext db, string key, string? displayName, string? tenantId, DateTime now, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(displayName) ? FallbackName(key) : displayName.Trim();
        if (name.Length > 200)
        {
            name = name[..200];
        }

        return db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO people ("Key", "DisplayName", "TenantId", "UpdatedAt") VALUES ({key}, {name}, {tenantId}, {now})
            ON CONFLICT ("Key") DO UPDATE SET "DisplayName" = excluded."DisplayName", "TenantId" = COALESCE(excluded."TenantId", people."TenantId"), "UpdatedAt" = excluded."UpdatedAt"
            """, cancellationToken);
    }

    public static Task RememberAsync(IncidentDbContext db, Actor actor, DateTime now, CancellationToken cancellationToken) =>
        RememberAsync(db, actor.PersonKey, actor.DisplayName, actor.TenantId, now, cancellationToken);

    public static async Task<Dictionary<string, string>> NamesAsync(IncidentDbContext db, IEnumerable<string?> keys, CancellationToken cancellationToken)
    {
        var wanted = keys.Where(k => k != null).Select(k => k!).Distinct().ToList();
        var found = await db.People.AsNoTracking()
            .Where(p => wanted.Contains(p.Key))
            .ToDictionaryAsync(p => p.Key, p => p.DisplayName, cancellationToken);
        foreach (var key in wanted.Where(k => !found.ContainsKey(k)))
        {
            found[key] = FallbackName(key);
        }

        return found;
    }

    public static PersonView View(string key, IReadOnlyDictionary<string, string> names) =>
        new(key, names.TryGetValue(key, out var n) ? n : FallbackName(key));

    public static string FallbackName(string key) => PersonKey.TryParse(key, out _, out var id) ? id : key;
}
