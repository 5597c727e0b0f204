using System.Net;
using System.Text.Json;

namespace IncidentBot.Teams.Auth;

/// <summary>
/// A token request to Microsoft Entra ID failed. <see cref="Error"/> is the OAuth error
/// (e.g. "invalid_client") and <see cref="AadErrorCodes"/> the numeric AADSTS codes from the answer;
/// the message names both, never the client secret.
/// </summary>
public sealed class TokenAcquisitionException : Exception
{
    public TokenAcquisitionException(string message)
        : base(message)
    {
    }

    public TokenAcquisitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TokenAcquisitionException(
        string message, HttpStatusCode? statusCode, string? error, IReadOnlyList<long> aadErrorCodes, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Error = error;
        AadErrorCodes = aadErrorCodes;
    }

    /// <summary>The HTTP status of the token endpoint's answer, if one came.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The OAuth <c>error</c> field, e.g. "invalid_client", "unauthorized_client", "invalid_scope".</summary>
    public string? Error { get; }

    /// <summary>The <c>error_codes</c> field: AADSTS numbers such as 7000215 (invalid client secret).</summary>
    public IReadOnlyList<long> AadErrorCodes { get; } = [];

    /// <summary>The first AADSTS code in the form Microsoft documents it, e.g. "AADSTS7000215".</summary>
    public string? AadErrorCode => AadErrorCodes.Count > 0 ? $"AADSTS{AadErrorCodes[0]}" : null;

    /// <summary>Builds the exception from a non-success answer of the token endpoint.</summary>
    internal static TokenAcquisitionException FromErrorResponse(
        HttpStatusCode statusCode, string body, string tenant, string clientId, string scope)
    {
        string? error = null;
        string? description = null;
        var codes = new List<long>();
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
                {
                    error = e.GetString();
                }

                if (root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String)
                {
                    description = d.GetString();
                }

                if (root.TryGetProperty("error_codes", out var c) && c.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in c.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var code))
                        {
                            codes.Add(code);
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not an OAuth error document (a proxy's HTML page, say); the status alone has to do.
        }

        // error_description runs on with trace and correlation ids after its first line; keep the first line.
        var summary = description?.Split(["\r\n", "\n"], 2, StringSplitOptions.None)[0].Trim();
        if (summary is null && error is null)
        {
            summary = body.Length <= 200 ? body.Trim() : body[..200].Trim() + "…";
        }

        var aad = codes.Count > 0 ? $" (AADSTS{codes[0]})" : string.Empty;
        var message =
            $"Token request for client {clientId}, tenant {tenant}, scope {scope} failed with HTTP {(int)statusCode}: " +
            $"{error ?? "no OAuth error"}{aad}" +
            (string.IsNullOrEmpty(summary) ? "." : $": {summary}");
        return new TokenAcquisitionException(message, statusCode, error, codes);
    }
}
