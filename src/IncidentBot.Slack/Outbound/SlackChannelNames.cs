using System.Globalization;
using System.Text;

namespace IncidentBot.Slack.Outbound;

/// <summary>Incident channel names within Slack's rules: lowercase letters, digits, '-' and '_', at most 80 characters.</summary>
public static class SlackChannelNames
{
    public const int MaxLength = 80;

    /// <summary><c>inc-42-checkout-errors-spike</c>; <paramref name="attempt"/> 2, 3 … add <c>-2</c>, <c>-3</c> on collisions.</summary>
    public static string For(int number, string title, int attempt = 1)
    {
        var prefix = $"inc-{number.ToString(CultureInfo.InvariantCulture)}";
        var suffix = attempt > 1 ? $"-{attempt.ToString(CultureInfo.InvariantCulture)}" : string.Empty;
        var slug = Slug(title);
        var room = MaxLength - prefix.Length - suffix.Length - 1;
        if (slug.Length > room)
        {
            slug = slug[..room].TrimEnd('-');
        }

        return slug.Length == 0 ? prefix + suffix : $"{prefix}-{slug}{suffix}";
    }

    public static string Slug(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(lower);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        return sb.ToString().Trim('-');
    }
}
