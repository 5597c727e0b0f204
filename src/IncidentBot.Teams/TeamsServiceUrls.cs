using Microsoft.Extensions.Options;

namespace IncidentBot.Teams;

/// <summary>
/// Which Bot Connector service URLs the bot may call. With an App ID every service URL arrived in an activity whose
/// token the channel service signed for it, so any is fine. Without one the caller chose it: only loopback URLs and
/// those under <c>Teams:AllowedServiceUrls</c>, so nobody can make the bot post wherever they like.
/// </summary>
public sealed class TeamsServiceUrls(IOptions<TeamsOptions> options)
{
    public bool Allows(string serviceUrl)
    {
        var o = options.Value;
        if (o.Authenticated)
        {
            return true;
        }

        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        return url.IsLoopback || o.AllowedServiceUrls.Any(a => Uri.TryCreate(a, UriKind.Absolute, out var allowed) && Covers(allowed, url));
    }

    private static bool Covers(Uri allowed, Uri url) =>
        url.Scheme == allowed.Scheme
        && string.Equals(url.IdnHost, allowed.IdnHost, StringComparison.OrdinalIgnoreCase)
        && url.Port == allowed.Port
        && (url.AbsolutePath.TrimEnd('/') + "/").StartsWith(allowed.AbsolutePath.TrimEnd('/') + "/", StringComparison.Ordinal);
}
