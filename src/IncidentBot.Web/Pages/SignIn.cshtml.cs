using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace IncidentBot.Web.Pages;

/// <summary>Choose how to sign in (the providers configured under <c>Web:SignIn</c>).</summary>
public sealed class SignInModel(IOptions<WebOptions> web) : PageModel
{
    public SignInOptions Options => web.Value.SignIn;

    public string ReturnUrl { get; private set; } = "/";

    public void OnGet(string? returnUrl) =>
        ReturnUrl = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/";
}
