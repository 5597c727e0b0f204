using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Options;

public enum StorageProvider
{
    LiteDb,
    Postgres,
}

/// <summary>Settings under <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string DefaultPath = "data/incidentbot.litedb";

    /// <summary><c>LiteDb</c> (default: embedded, one process) or <c>Postgres</c> (several replicas).</summary>
    public string Provider { get; set; } = nameof(StorageProvider.LiteDb);

    /// <summary>The LiteDB file. Default <c>data/incidentbot.litedb</c>; relative to the working directory; folder created.</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>PostgreSQL connection string (required with <c>Postgres</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Done, cancelled and discarded work items are deleted after this many days (parked ones are kept). Default 30.</summary>
    public int RetainDays { get; set; } = 30;

    public StorageProvider ParsedProvider =>
        Enum.TryParse<StorageProvider>(Provider, ignoreCase: true, out var p) && !int.TryParse(Provider, out _)
            ? p
            : throw new InvalidOperationException($"Storage:Provider '{Provider}'");

    public string FullPath => System.IO.Path.GetFullPath(Path);
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.Equals(options.Provider?.Trim(), "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                "Storage:Provider 'Sqlite' is no longer supported: LiteDB replaced SQLite as the embedded store. Use 'LiteDb' (Storage:Path) or 'Postgres'.");
        }

        if (!Enum.TryParse<StorageProvider>(options.Provider, ignoreCase: true, out var provider) || int.TryParse(options.Provider, out _))
        {
            return ValidateOptionsResult.Fail($"Storage:Provider must be 'LiteDb' or 'Postgres' (got '{options.Provider}').");
        }

        var errors = new List<string>();
        if (provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add("Storage:ConnectionString is required when Storage:Provider is 'Postgres' (for example: Host=127.0.0.1;Database=incidentbot;Username=incidentbot;Password=…).");
        }

        if (provider == StorageProvider.LiteDb && string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add("Storage:Path must name the LiteDB file (default data/incidentbot.litedb).");
        }

        if (options.RetainDays < 1)
        {
            errors.Add("Storage:RetainDays must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
