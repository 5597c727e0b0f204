using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;
using static IncidentBot.Tests.Core.Storage.StoreTestData;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// Every message captured into a busy incident names its author. While one capture's transaction was open, every other
/// capture naming the same author waited for it: remembering a person locked their row even when nothing changed, and
/// the captures of one incident went one at a time.
/// </summary>
public class PostgresPeopleLockTests
{
    [SkippableFact]
    public async Task ChangesNamingTheSamePersonUnchanged_DoNotWaitForEachOther()
    {
        TestDatabases.RequirePostgres();
        await using var s = await StoreSession.OpenAsync(TestDatabases.Postgres);
        var incident = await DeclareAsync(s.Store, s.Now, "Checkout is down");
        var author = new Person { Key = "slack:U0AUTHOR", DisplayName = "Author", UpdatedAt = s.Now };
        await s.Store.People.RememberAsync(author, None);

        // Another capture, between remembering the author and its commit.
        await using var connection = new NpgsqlConnection(s.Database.ConnectionString);
        await connection.OpenAsync();
        await using var inFlight = await connection.BeginTransactionAsync();
        foreach (var sql in PostgresPeopleStore.RememberSql)
        {
            await using var command = new NpgsqlCommand(sql, connection, inFlight);
            PostgresPeopleStore.AddParameters(command.Parameters, author, s.Now);
            await command.ExecuteNonQueryAsync();
        }

        var change = new StoreChange();
        change.NewEntries.Add(Note(incident, s.Now, "captured while the other capture commits"));
        change.People.Add(new Person { Key = author.Key, DisplayName = author.DisplayName, UpdatedAt = s.Now });
        using var blocked = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await s.Store.Changes.CommitAsync(change, blocked.Token);

        await inFlight.RollbackAsync();
        Assert.Contains(await s.Store.Timeline.ListAsync(incident.Id, None), e => e.Text == "captured while the other capture commits");
    }
}
