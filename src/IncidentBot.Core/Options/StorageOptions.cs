using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Options;

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Settings under <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string DefaultSqlite = "Data Source=data/incidentbot.db";

    /// <summary><c>Sqlite</c> (default, embedded) or <c>Postgres</c> (for several replicas).</summary>
    public string Provider { get; set; } = nameof(StorageProvider.Sqlite);

    /// <summary>EF Core connection string. Default for SQLite: <c>Data Source=data/incidentbot.db</c> (folder created).</summary>
    public string? ConnectionString { get; set; }

    public StorageProvider ParsedProvider =>
        Enum.TryParse<StorageProvider>(Provider, ignoreCase: true, out var p) ? p : throw new InvalidOperationException($"Storage:Provider '{Provider}'");

    public string EffectiveConnectionString =>
        string.IsNullOrWhiteSpace(ConnectionString) && ParsedProvider == StorageProvider.Sqlite ? DefaultSqlite : ConnectionString!;
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!Enum.TryParse<StorageProvider>(options.Provider, ignoreCase: true, out var provider) || int.TryParse(options.Provider, out _))
        {
            return ValidateOptionsResult.Fail($"Storage:Provider must be 'Sqlite' or 'Postgres' (got '{options.Provider}').");
        }

        if (provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("Storage:ConnectionString is required when Storage:Provider is 'Postgres' (for example: Host=127.0.0.1;Database=incidentbot;Username=incidentbot;Password=…).");
        }

        return ValidateOptionsResult.Success;
    }
}
