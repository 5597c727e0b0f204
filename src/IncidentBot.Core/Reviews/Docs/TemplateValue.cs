namespace IncidentBot.Core.Reviews.Docs;

internal enum ValueKind
{
    Text = 0,
    Time = 1,
    Duration = 2,
    Link = 3,
    Flag = 4,
}

/// <summary>
/// One placeholder's value, before it is written: user text (escaped), a UTC time (shown in the meeting's zone),
/// a duration, a link (text + URL, a link only for http/https) or a yes/no flag. A struct: reading a field of a
/// timeline row allocates nothing.
/// </summary>
internal readonly struct TemplateValue
{
    private TemplateValue(ValueKind kind, string? text, string? url, DateTime? time, TimeSpan? span, bool flag)
    {
        Kind = kind;
        Text = text;
        Url = url;
        Time = time;
        Span = span;
        Flag = flag;
    }

    public ValueKind Kind { get; }

    public string? Text { get; }

    public string? Url { get; }

    public DateTime? Time { get; }

    public TimeSpan? Span { get; }

    public bool Flag { get; }

    /// <summary>What <c>{{#if}}</c> tests: text that is not blank, a time or duration that is known, a link, true.</summary>
    public bool IsTruthy => Kind switch
    {
        ValueKind.Text => !string.IsNullOrWhiteSpace(Text),
        ValueKind.Time => Time.HasValue,
        ValueKind.Duration => Span.HasValue,
        ValueKind.Link => !string.IsNullOrWhiteSpace(Url),
        ValueKind.Flag => Flag,
        _ => false,
    };

    public static TemplateValue OfText(string? text) => new(ValueKind.Text, text, null, null, null, false);

    public static TemplateValue OfTime(DateTime? utc) => new(ValueKind.Time, null, null, utc, null, false);

    public static TemplateValue OfDuration(TimeSpan? span) => new(ValueKind.Duration, null, null, null, span, false);

    public static TemplateValue OfLink(string? text, string? url) => new(ValueKind.Link, text, url, null, null, false);

    public static TemplateValue OfFlag(bool flag) => new(ValueKind.Flag, null, null, null, null, flag);
}
