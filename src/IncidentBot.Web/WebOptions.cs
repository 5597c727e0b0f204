using System.Net;
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

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. Empty:
    /// forwarded headers are ignored.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    public ConsoleOptions Console { get; set; } = new();

    public SignInOptions SignIn { get; set; } = new();
}

/// <summary>People sign in to the web pages with Slack or Microsoft (OAuth); off when not configured.</summary>
public sealed class SignInOptions
{
    public SlackSignInOptions Slack { get; set; } = new();

    public MicrosoftSignInOptions Microsoft { get; set; } = new();

    public bool Any => Slack.Configured || Microsoft.Configured;
}

public sealed class SlackSignInOptions
{
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Where Slack's OpenID endpoints live. Default <c>https://slack.com/</c> (GovSlack: <c>https://slack-gov.com/</c>).</summary>
    public string BaseUrl { get; set; } = "https://slack.com/";

    public bool Configured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}

public sealed class MicrosoftSignInOptions
{
    /// <summary>The Entra tenant people sign in from.</summary>
    public string? TenantId { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Microsoft identity platform base. Default <c>https://login.microsoftonline.com/</c>.</summary>
    public string LoginBaseUrl { get; set; } = "https://login.microsoftonline.com/";

    public bool Configured => !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}

public sealed class ConsoleOptions
{
    /// <summary>The built-in console at <c>/</c>, for people signed in (or anyone, while <see cref="Open"/>). Unset: on.</summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// The console trusts whatever name a visitor types, so anyone who can reach it can act as anyone: a lab, never
    /// production. Unset: on in the Development environment only.
    /// </summary>
    public bool? Open { get; set; }
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

        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
            {
                errors.Add($"Web:KnownProxies:{i} must be an IP address such as 127.0.0.1 (got '{options.KnownProxies[i]}').");
            }
        }

        var slack = options.SignIn.Slack;
        if (!slack.Configured && (!string.IsNullOrWhiteSpace(slack.ClientId) || !string.IsNullOrWhiteSpace(slack.ClientSecret)))
        {
            errors.Add("Web:SignIn:Slack:ClientId and Web:SignIn:Slack:ClientSecret must be set together.");
        }

        var ms = options.SignIn.Microsoft;
        var msSet = new[] { ms.TenantId, ms.ClientId, ms.ClientSecret }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (msSet is > 0 and < 3)
        {
            errors.Add("Web:SignIn:Microsoft:TenantId, Web:SignIn:Microsoft:ClientId and Web:SignIn:Microsoft:ClientSecret must be set together.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
