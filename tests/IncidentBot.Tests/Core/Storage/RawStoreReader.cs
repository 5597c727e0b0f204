using System.Text.Json;
using IncidentBot.Tests.Infrastructure;
using LiteDB;
using Npgsql;

namespace IncidentBot.Tests.Core.Storage;

/// <summary>
/// Reads what an adapter stored without going through the port, for the few facts the port does not expose (a
/// person's tenant). It knows no table or collection names: it returns every stored record (row or document) that
/// holds a given value anywhere, flattened to leaf name → value (nested documents and JSON columns included).
/// LiteDB: call it only after the adapter is closed (the file is opened read-only).
/// </summary>
public static class RawStoreReader
{
    public static async Task<List<Dictionary<string, string?>>> RecordsHoldingAsync(TestDatabase database, string value)
    {
        var all = database.Provider == TestDatabases.LiteDb ? ReadLiteDb(database.Path!) : await ReadPostgresAsync(database.ConnectionString!);
        return all.Where(r => r.ContainsValue(value)).ToList();
    }

    private static List<Dictionary<string, string?>> ReadLiteDb(string path)
    {
        var records = new List<Dictionary<string, string?>>();
        using var db = new LiteDatabase(new ConnectionString { Filename = path, ReadOnly = true });
        foreach (var name in db.GetCollectionNames())
        {
            foreach (var doc in db.GetCollection(name).FindAll())
            {
                var leaves = new Dictionary<string, string?>();
                Flatten(doc, string.Empty, leaves);
                records.Add(leaves);
            }
        }

        return records;
    }

    private static void Flatten(BsonValue value, string path, Dictionary<string, string?> leaves)
    {
        switch (value)
        {
            case BsonDocument doc:
                foreach (var (k, v) in doc)
                {
                    Flatten(v, path.Length == 0 ? k : $"{path}.{k}", leaves);
                }

                break;
            case BsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(array[i], $"{path}[{i}]", leaves);
                }

                break;
            default:
                leaves[path] = value.IsNull ? null : value.IsString ? value.AsString : value.ToString();
                if (value.IsString && value.AsString.TrimStart().StartsWith('{'))
                {
                    FlattenJsonText(value.AsString, path, leaves);
                }

                break;
        }
    }

    private static async Task<List<Dictionary<string, string?>>> ReadPostgresAsync(string connectionString)
    {
        var records = new List<Dictionary<string, string?>>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
                         "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables " +
                         "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM {table} t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var leaves = new Dictionary<string, string?>();
                FlattenJsonText(reader.GetString(0), string.Empty, leaves);
                records.Add(leaves);
            }
        }

        return records;
    }

    private static void FlattenJsonText(string json, string path, Dictionary<string, string?> leaves)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            Flatten(doc.RootElement, path, leaves);
        }
        catch (JsonException)
        {
            // Not JSON after all: the string leaf is kept as it is.
        }
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string?> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    Flatten(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}", leaves);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}[{i++}]", leaves);
                }

                break;
            case JsonValueKind.String:
                var s = element.GetString();
                leaves[path] = s;
                if (s is not null && s.TrimStart().StartsWith('{'))
                {
                    FlattenJsonText(s, path, leaves);
                }

                break;
            case JsonValueKind.Null:
                leaves[path] = null;
                break;
            default:
                leaves[path] = element.GetRawText();
                break;
        }
    }
}
