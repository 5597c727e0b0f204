using Microsoft.Extensions.Options;

namespace IncidentBot.Web;

/// <summary>Settings under <c>Web</c>.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Address used in links the bot posts and in the calendar feed. Default: the first listening URL.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Bearer tokens for scripts and exports.</summary>
    public List<string> ApiTokens { get; set; } = [];

    public ConsoleOptions Console { get; set; } = new();
}

public sealed class ConsoleOptions
{
    /// <summary>
    /// The built-in console at <c>/</c>. Unset: on when the bot listens on loopback only (and then only for
    /// requests from loopback); <c>true</c> or <c>false</c> decides outright.
    /// </summary>
    public bool? Enabled { get; set; }
}

internal sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var errors = new List<string>();
        if (options.PublicBaseUrl is { Length: > 0 } url &&
            (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"Web:PublicBaseUrl must be an absolute http(s) URL such as https://incidents.example.com (got '{url}').");
        }

        for (var i = 0; i < options.ApiTokens.Count; i++)
        {
            if (options.ApiTokens[i] is not { Length: >= 16 })
            {
                errors.Add($"Web:ApiTokens:{i} must be at least 16 characters (use a long random string).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
