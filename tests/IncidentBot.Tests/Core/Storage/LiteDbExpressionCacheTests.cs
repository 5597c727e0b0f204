using System.Collections;
using System.Reflection;
using IncidentBot.Tests.Infrastructure;
using LiteDB;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// LiteDB compiles every expression text it is given and keeps it for the life of the process. A query that writes a
/// changing value into its text (LiteDB's own <c>Query.GTE</c>, <c>Query.In</c>…) grows that cache each time it runs:
/// the metrics sampler reads the review calendar from "now" every 15 seconds.
/// </summary>
public class LiteDbExpressionCacheTests
{
    [Fact]
    public async Task QueriesRunFromChangingValues_LeaveLiteDbsExpressionCacheAsItWas()
    {
        await using var s = await StoreSession.OpenAsync(TestDatabases.LiteDb);
        var incident = await DeclareAsync(s.Store, s.Now);
        await CommitAsync(s.Store, c =>
        {
            for (var i = 0; i < 1_200; i++)
            {
                c.NewEntries.Add(Note(incident, s.Now.AddSeconds(i), $"note {i}"));
            }
        });

        // Once each, so that the texts they use are compiled before counting.
        await s.Store.Reviews.LoadCalendarAsync(s.Now, None);
        await s.Store.Timeline.ListAsync(incident.Id, None);
        await s.Store.Incidents.FindAsync(incident.Number, None);
        await s.Store.People.NamesAsync(["slack:U0"], None);
        await foreach (var _ in s.Store.Timeline.ReadAsync(incident.Id, None))
        {
        }

        var before = CachedExpressions();
        for (var minute = 1; minute <= 200; minute++)
        {
            await s.Store.Reviews.LoadCalendarAsync(s.Now.AddMinutes(minute).AddTicks(minute), None);
            await s.Store.Timeline.ListAsync(incident.Id + minute, None);
            await s.Store.Incidents.FindAsync(minute, None);
            await s.Store.People.NamesAsync([$"slack:U{minute}"], None);
        }

        await foreach (var _ in s.Store.Timeline.ReadAsync(incident.Id, None))
        {
        }

        Assert.Equal(before, CachedExpressions());
    }

    /// <summary>
    /// How many compiled expressions LiteDB keeps: its static maps from expression text to compiled delegate, found by
    /// their types (their names are LiteDB's own).
    /// </summary>
    private static int CachedExpressions()
    {
        var caches = typeof(BsonExpression).GetFields(BindingFlags.Static | BindingFlags.NonPublic)
            .Select(f => f.GetValue(null))
            .OfType<IDictionary>()
            .Where(d => d.GetType().GetGenericArguments() is [var key, var value] && key == typeof(string) && value.IsSubclassOf(typeof(Delegate)))
            .ToList();
        Assert.True(caches.Count > 0, "LiteDB's cache of compiled expressions was not found: has LiteDB changed how it keeps them?");
        return caches.Sum(c => c.Count);
    }
}
