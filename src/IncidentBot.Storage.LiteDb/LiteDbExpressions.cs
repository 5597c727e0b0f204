using System.Globalization;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// Parsed LiteDB expressions, kept per thread: LiteDB parses an expression string on every call, and listing the open
/// incidents ran dozens of parses per command. An instance is reused only by the thread that got it, for a query that
/// runs to its end before the thread does anything else (no await in between); its parameters are set on each use.
/// </summary>
internal static class LiteDbExpressions
{
    [ThreadStatic]
    private static Dictionary<string, BsonExpression>? _parsed;

    public static BsonExpression Get(string expression, params BsonValue[] parameters)
    {
        var parsed = _parsed ??= new Dictionary<string, BsonExpression>(StringComparer.Ordinal);
        if (!parsed.TryGetValue(expression, out var found))
        {
            found = BsonExpression.Create(expression);
            parsed[expression] = found;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            found.Parameters[i.ToString(CultureInfo.InvariantCulture)] = parameters[i];
        }

        return found;
    }
}
