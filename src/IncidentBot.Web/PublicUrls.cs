using System.Net;
using IncidentBot.Core.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web;

/// <summary>Where the bot can be reached, for links in chat and the calendar feed.</summary>
public sealed class PublicUrls(IServer server, IOptions<WebOptions> options) : IIncidentLinks
{
    public IReadOnlyList<string> ListeningAddresses =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary><c>Web:PublicBaseUrl</c>, else the first listening URL, without a trailing slash.</summary>
    public string? BaseUrl =>
        (options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured : ListeningAddresses is [var first, ..] ? first : null)?.TrimEnd('/');

    public string? IncidentUrl(int number) => BaseUrl is { } b ? $"{b}/incidents/{number}" : null;

    public string? IndexUrl() => BaseUrl is { } b ? $"{b}/" : null;

    public static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
