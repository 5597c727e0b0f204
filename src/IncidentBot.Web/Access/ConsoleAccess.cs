using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Access;

/// <summary>
/// Who the console lets in: people signed in, or, only while <c>Web:Console:Open</c> says so, whoever types a name.
/// Never decided from where a request comes from: behind a reverse proxy on the same machine every request is from
/// loopback.
/// </summary>
public sealed class ConsoleAccess(IOptions<WebOptions> options)
{
    /// <summary>The console pages exist (<c>Web:Console:Enabled</c>, on unless set to false).</summary>
    public bool Enabled => options.Value.Console.Enabled != false;

    /// <summary>The console trusts a typed name (<c>Web:Console:Open</c>).</summary>
    public bool Open => Enabled && options.Value.Console.Open == true;

    /// <summary>Someone can sign in: with Slack or Microsoft (<c>Web:SignIn</c>), or with a token from <c>Web:ApiTokens</c>.</summary>
    public bool CanSignIn => options.Value.SignIn.Any || options.Value.ApiTokens.Count > 0;
}
