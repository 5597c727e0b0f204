using IncidentBot.Storage.Postgres;
using Npgsql;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>What the PostgreSQL adapter adds to the operator's connection string, and what it leaves as given.</summary>
public class PostgresConnectionDefaultsTests
{
    private static NpgsqlConnectionStringBuilder Applied(string connectionString) => new(PostgresStorage.WithDefaults(connectionString));

    [Fact]
    public void AutomaticPreparation_IsOn_WhenTheConnectionStringLeavesItUnset()
    {
        var applied = Applied("Host=db.internal;Database=incidentbot;Username=bot;Password=secret");

        Assert.Equal(PostgresStorage.AutoPreparedStatements, applied.MaxAutoPrepare);
        Assert.Equal(PostgresStorage.AutoPrepareAfterUses, applied.AutoPrepareMinUsages);
        Assert.True(applied.NoResetOnClose);
        Assert.Equal(("db.internal", "incidentbot", "bot", "secret"), (applied.Host, applied.Database, applied.Username, applied.Password));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=5", 5)]
    [InlineData("Host=db;max auto prepare=12", 12)]
    public void AutomaticPreparation_SetByTheOperator_IsKept(string connectionString, int expected) =>
        Assert.Equal(expected, Applied(connectionString).MaxAutoPrepare);

    [Theory]
    [InlineData("Host=db;No Reset On Close=false", false)]
    [InlineData("Host=db;NoResetOnClose=False", false)]
    [InlineData("Host=db;no reset on close=true", true)]
    public void ResetOnClose_SetByTheOperator_IsKept(string connectionString, bool expected) =>
        Assert.Equal(expected, Applied(connectionString).NoResetOnClose);

    [Theory]
    [InlineData("Host=db;Auto Prepare Min Usages=7", 7)]
    [InlineData("Host=db;AutoPrepareMinUsages=3", 3)]
    public void UsesBeforePreparing_SetByTheOperator_IsKept(string connectionString, int expected) =>
        Assert.Equal(expected, Applied(connectionString).AutoPrepareMinUsages);
}
