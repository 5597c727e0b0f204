using System.Text.Json;

namespace IncidentBot.Core.Input;

/// <summary>
/// JSON may escape half of a surrogate pair (<c>"\ud800"</c>); the parser accepts it, and only reading the string fails.
/// Adapters that store a payload to apply later ask this at the door, so a broken payload is a 400 now rather than a
/// delivery that fails every time it is applied.
/// </summary>
public static class JsonInput
{
    public static bool HasBrokenText(JsonElement element)
    {
        try
        {
            return Walk(element);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to hand out a string it cannot represent as valid UTF-16.
            return true;
        }
    }

    private static bool Walk(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => InputLimits.HasLoneSurrogate(element.GetString()!),
        JsonValueKind.Array => element.EnumerateArray().Any(Walk),
        JsonValueKind.Object => element.EnumerateObject().Any(p => InputLimits.HasLoneSurrogate(p.Name) || Walk(p.Value)),
        _ => false,
    };
}
