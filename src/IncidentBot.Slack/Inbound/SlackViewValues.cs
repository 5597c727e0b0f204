using System.Text.Json;

namespace IncidentBot.Slack.Inbound;

/// <summary>Reads a submitted modal's <c>state.values[block_id][action_id]</c> (our inputs all use action_id "value").</summary>
public sealed class SlackViewValues
{
    private readonly Dictionary<string, JsonElement> _byBlock = new(StringComparer.Ordinal);

    public static SlackViewValues Read(JsonElement view)
    {
        var values = new SlackViewValues();
        if (view.TryGetProperty("state", out var state) && state.TryGetProperty("values", out var blocks) && blocks.ValueKind == JsonValueKind.Object)
        {
            foreach (var block in blocks.EnumerateObject())
            {
                foreach (var action in block.Value.EnumerateObject())
                {
                    values._byBlock[block.Name] = action.Value.Clone();
                    break;
                }
            }
        }

        return values;
    }

    public string? Text(string block) =>
        _byBlock.TryGetValue(block, out var v) && v.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public string? Selected(string block) =>
        _byBlock.TryGetValue(block, out var v) && v.TryGetProperty("selected_option", out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("value", out var value)
            ? value.GetString()
            : null;

    public bool Checked(string block, string value) =>
        _byBlock.TryGetValue(block, out var v) && v.TryGetProperty("selected_options", out var options) && options.ValueKind == JsonValueKind.Array
        && options.EnumerateArray().Any(o => o.TryGetProperty("value", out var ov) && ov.GetString() == value);
}
