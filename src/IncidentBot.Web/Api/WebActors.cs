using System.Security.Cryptography;
using System.Text;
using IncidentBot.Core.Domain;
using IncidentBot.Web.Console;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Api;

/// <summary>
/// Who is asking on the web: a script with a <c>Web:ApiTokens</c> bearer token (reads everything, like a
/// facilitator), a person signed in with Slack or Microsoft, or the console's person while the console is open.
/// </summary>
public static class WebActors
{
    public static Actor? Resolve(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
            return options.ApiTokens.Any(t => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(t), given)) ? Actor.Api : null;
        }

        return ConsoleUser.CurrentActor(http);
    }
}
