using System.Reflection;
using Microsoft.EntityFrameworkCore.Migrations;

namespace IncidentBot.Core.Storage;

/// <summary>
/// A migration whose steps are a SQL file embedded beside it (<c>Migrations/&lt;Provider&gt;/&lt;Id&gt;.sql</c>),
/// statements separated by lines reading <c>-- statement</c>. See docs/decisions/0003 for why.
/// </summary>
public abstract class SqlMigration(string provider, string id) : Migration
{
    public const string Separator = "-- statement";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        foreach (var statement in ReadStatements(provider, id))
        {
            migrationBuilder.Sql(statement);
        }
    }

    internal static IEnumerable<string> ReadStatements(string provider, string id)
    {
        var assembly = typeof(SqlMigration).Assembly;
        var suffix = $".Storage.Migrations.{provider}.{id}.sql";
        var name = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Migration script {provider}/{id}.sql is not embedded.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return text.Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(s => s.Length > 0);
    }

    internal static Assembly Assembly => typeof(SqlMigration).Assembly;
}
