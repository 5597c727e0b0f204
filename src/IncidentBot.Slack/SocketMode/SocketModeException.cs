namespace IncidentBot.Slack.SocketMode;

/// <summary>A Socket Mode failure with Slack's error code (e.g. <c>invalid_auth</c>, <c>ratelimited</c>).</summary>
public sealed class SocketModeException : Exception
{
    public SocketModeException(string error)
        : this(error, null, null)
    {
    }

    public SocketModeException(string error, string? message, Exception? innerException = null)
        : base(message ?? $"Slack Socket Mode error: {error}", innerException)
    {
        Error = error;
    }

    /// <summary>Slack's error code, or one of ours: <c>missing_app_token</c>, <c>http_NNN</c>, <c>invalid_response</c>.</summary>
    public string Error { get; }

    /// <summary>How long Slack asked us to wait (HTTP 429 Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
