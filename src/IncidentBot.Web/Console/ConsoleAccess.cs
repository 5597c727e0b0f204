using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Console;

/// <summary>
/// The console trusts whoever types a name, so by default it is open only when nobody but this machine can
/// reach it: the server listens on loopback only and the request comes from loopback.
/// </summary>
public sealed class ConsoleAccess(IOptions<WebOptions> options, PublicUrls urls)
{
    public bool IsAllowed(HttpContext context)
    {
        if (options.Value.Console.Enabled is { } explicitly)
        {
            return explicitly;
        }

        var remote = context.Connection.RemoteIpAddress;
        return urls.ListensOnLoopbackOnly && remote is not null && IPAddress.IsLoopback(remote);
    }
}
