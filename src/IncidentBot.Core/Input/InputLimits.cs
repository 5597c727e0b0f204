using System.Collections.Frozen;
using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Input;

/// <summary>What a piece of text typed or sent by a platform is; each has one row in <see cref="InputLimits"/>.</summary>
public enum InputField
{
    Title,
    Summary,
    Text,
    CapturedMessage,
    Service,
    Reason,
    PersonKey,
    DisplayName,
    Name,
    PlatformId,
    Link,
}

/// <summary>What happens to text longer than its limit: refused, or cut to fit with <see cref="InputLimit.Marker"/> at its end.</summary>
public enum Overflow
{
    Refuse,
    Truncate,
}

/// <summary>
/// One row of the table. <paramref name="MultiLine"/> fields keep newlines and tabs (a CR is dropped, so CRLF becomes LF);
/// other control characters are stripped when <paramref name="StripControls"/>, else the text is refused.
/// </summary>
public sealed record InputLimit(InputField Field, string Label, int MaxLength, bool MultiLine, bool StripControls, Overflow Overflow, string Marker = "");

/// <summary>
/// The limits on everything a person or a platform sends into the core, whichever adapter it came through. Requests list
/// their text as <see cref="InputValue"/>s (<see cref="IInputRequest"/>) and are refused by <see cref="Messaging.InputLimitsBehavior{TRequest,TResponse}"/>
/// before any handler runs; the domain cleans with the same table, so what is stored is what was checked.
/// <list type="table">
/// <item>title: 200, one line; control characters refused; longer refused (a title is read everywhere, it must be what was typed)</item>
/// <item>summary / description: 4,000, multi-line; control characters stripped; longer refused</item>
/// <item>note, update, status message, action item, corrected entry: 4,000, multi-line; stripped; longer refused (the person can shorten it)</item>
/// <item>captured message: 4,000, multi-line; stripped; longer cut with a marker (its link keeps the whole message; nobody is there to shorten it)</item>
/// <item>service: 100, one line; refused</item>
/// <item>reason (cancel): 1,000, multi-line; stripped; longer refused</item>
/// <item>person id: 140 and the platform's format (<see cref="Domain.PersonKey"/>); refused</item>
/// <item>display name: 200, one line; stripped; longer cut (names come from platform profiles)</item>
/// <item>name (severity, role, channel name): 80, one line; refused</item>
/// <item>platform id (channel, conversation, message, tenant ids, tokens): 256, one line; refused</item>
/// <item>link: 2,048, one line; refused</item>
/// </list>
/// Broken UTF-16 (a lone surrogate) is refused in every field: it cannot be stored as UTF-8 or shown, and stripping it would
/// silently change what was said.
/// </summary>
public static class InputLimits
{
    public const string TruncatedMarker = "\n… (message truncated; the full text is at its link)";

    public static IReadOnlyList<InputLimit> Table { get; } =
    [
        new(InputField.Title, "title", 200, MultiLine: false, StripControls: false, Overflow.Refuse),
        new(InputField.Summary, "summary", 4000, MultiLine: true, StripControls: true, Overflow.Refuse),
        new(InputField.Text, "text", 4000, MultiLine: true, StripControls: true, Overflow.Refuse),
        new(InputField.CapturedMessage, "captured message", 4000, MultiLine: true, StripControls: true, Overflow.Truncate, TruncatedMarker),
        new(InputField.Service, "service name", 100, MultiLine: false, StripControls: false, Overflow.Refuse),
        new(InputField.Reason, "reason", 1000, MultiLine: true, StripControls: true, Overflow.Refuse),
        new(InputField.PersonKey, "person id", 140, MultiLine: false, StripControls: false, Overflow.Refuse),
        new(InputField.DisplayName, "display name", 200, MultiLine: false, StripControls: true, Overflow.Truncate, "…"),
        new(InputField.Name, "name", 80, MultiLine: false, StripControls: false, Overflow.Refuse),
        new(InputField.PlatformId, "platform id", 256, MultiLine: false, StripControls: false, Overflow.Refuse),
        new(InputField.Link, "link", 2048, MultiLine: false, StripControls: false, Overflow.Refuse),
    ];

    private static readonly FrozenDictionary<InputField, InputLimit> ByField = Table.ToFrozenDictionary(l => l.Field);

    public static InputLimit For(InputField field) => ByField[field];

    /// <summary>
    /// The text as it may be stored (trimmed, control characters stripped, cut with a marker where the field allows), or
    /// <see cref="InputRefusedException"/>. Null stays null; whether a field is required is the feature's rule.
    /// </summary>
    public static string? Apply(InputField field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        var limit = For(field);
        if (HasLoneSurrogate(value))
        {
            throw new InputRefusedException(field, $"The {limit.Label} contains a broken character (invalid Unicode); please retype it.");
        }

        var text = Controls(limit, value).Trim();
        var length = Length(text);
        if (length > limit.MaxLength)
        {
            text = limit.Overflow == Overflow.Truncate
                ? Cut(text, limit.MaxLength - Length(limit.Marker)).TrimEnd() + limit.Marker
                : throw new InputRefusedException(field, $"The {limit.Label} is too long ({length} characters; at most {limit.MaxLength}).");
        }

        if (field == InputField.PersonKey && !Domain.PersonKey.IsValid(text))
        {
            throw new InputRefusedException(field, "That person id is not one the platform gives out.");
        }

        return text;
    }

    public static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static string Controls(InputLimit limit, string value)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }

        var kept = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsControl(c) || (limit.MultiLine && c is '\n' or '\t'))
            {
                kept.Append(c);
            }
            else if (limit.MultiLine && c == '\r')
            {
                // CRLF and LF are the same line break to a reader; keeping one form keeps edits and duplicates comparable.
            }
            else if (!limit.StripControls)
            {
                throw new InputRefusedException(limit.Field, limit.MultiLine
                    ? $"The {limit.Label} contains control characters; only newlines and tabs are allowed."
                    : $"The {limit.Label} must be one line of text without control characters.");
            }
        }

        return kept.ToString();
    }

    /// <summary>
    /// Length in characters as a person counts them (Unicode code points: an emoji is one), as the chat command parser
    /// counts; only meaningful for text without lone surrogates.
    /// </summary>
    public static int Length(string text)
    {
        var n = 0;
        foreach (var c in text)
        {
            if (!char.IsLowSurrogate(c))
            {
                n++;
            }
        }

        return n;
    }

    // The first `count` code points: a surrogate pair is never split.
    private static string Cut(string text, int count)
    {
        var end = 0;
        for (var n = 0; n < count && end < text.Length; n++)
        {
            end += char.IsHighSurrogate(text[end]) ? 2 : 1;
        }

        return text[..end];
    }
}

/// <summary>One piece of a request's input and what it is.</summary>
public readonly record struct InputValue(InputField Field, string? Value)
{
    /// <summary>The acting person's id, name and tenant, as every request that has an actor lists them.</summary>
    public static IEnumerable<InputValue> Of(Actor actor)
    {
        yield return new InputValue(InputField.PersonKey, actor.PersonKey);
        yield return new InputValue(InputField.DisplayName, actor.DisplayName);
        yield return new InputValue(InputField.PlatformId, actor.TenantId);
    }
}

/// <summary>A request carrying text from outside; <see cref="Messaging.InputLimitsBehavior{TRequest,TResponse}"/> checks it before its handler runs.</summary>
public interface IInputRequest
{
    IEnumerable<InputValue> Inputs();
}

/// <summary>
/// A request whose answer can carry a refusal (a chat command's private reply): the refusal is answered like every other
/// rule the request breaks, rather than thrown past the adapter.
/// </summary>
public interface IAnswersRefusal<out TResponse>
{
    TResponse Refused(InputRefusedException refused);
}

/// <summary>A refused input: nothing was changed, and the message tells the person what to fix.</summary>
public sealed class InputRefusedException(InputField field, string message) : IncidentRuleException(message)
{
    public InputField Field { get; } = field;
}
