using IncidentBot.Core.Domain;
using IncidentBot.Web.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Pages;

/// <summary>
/// Choose how to sign in: the providers configured under <c>Web:SignIn</c>, or, for people without chat sign-in, a
/// name and a token from <c>Web:ApiTokens</c>, which sets the same cookie and acts as <c>console:&lt;name&gt;</c>.
/// </summary>
public sealed class SignInModel(IOptions<WebOptions> web, ILogger<SignInModel> logger) : PageModel
{
    public SignInOptions Options => web.Value.SignIn;

    /// <summary>The API-token form is shown when there are tokens to sign in with.</summary>
    public bool TokenSignIn => web.Value.ApiTokens.Count > 0;

    public string ReturnUrl { get; private set; } = "/";

    /// <summary>Why the API-token form did not sign the person in.</summary>
    public string? TokenProblem { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = Local(returnUrl);

    public async Task<IActionResult> OnPostTokenAsync(string? name, string? token, string? returnUrl)
    {
        ReturnUrl = Local(returnUrl);
        name = name?.Trim().TrimStart('@');
        if (!TokenSignIn)
        {
            return NotFound();
        }

        if (!ConsoleNameHandler.IsValid(name))
        {
            TokenProblem = "Pick a name of letters, digits, '.', '_' or '-' (at most 64).";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        if (!ApiTokenHandler.IsToken(web.Value, token?.Trim()))
        {
            logger.LogWarning("API-token sign-in as {Name} refused: the token is not one of Web:ApiTokens (from {Remote})", name, HttpContext.Connection.RemoteIpAddress);
            TokenProblem = "That token is not one of this bot's API tokens.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(WebAuthentication.CookieScheme, WebAuthentication.Principal(Actor.Console(name!), WebAuthentication.ApiTokenScheme));
        return LocalRedirect(ReturnUrl);
    }

    private static string Local(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
