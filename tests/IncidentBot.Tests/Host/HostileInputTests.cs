using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Storage;
using IncidentBot.Slack.SocketMode;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using IncidentBot.Tests.Teams;
using MediatR;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace IncidentBot.Tests.Host;

/// <summary>
/// Hostile input at every door, generated from a seed: every endpoint the app maps (read from its
/// <see cref="EndpointDataSource"/>, so a new one is covered without editing this test), every page handler, and Socket
/// Mode envelopes. At least half the cases carry valid credentials (Slack signatures, Bot Framework tokens from the
/// fake's keys, API tokens, a sign-in cookie with its antiforgery token) so they reach the parsers. No case may answer
/// 500 or throw; a refused case (4xx, or sent to sign in) must leave the database as it was; no page may show an
/// injected marker unescaped. Set <c>INCIDENTBOT_FUZZ_SEED</c> to replay a run and <c>INCIDENTBOT_FUZZ_CASES</c> to
/// change its size.
/// </summary>
public sealed partial class HostileInputTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string ApiToken = "fuzz-api-token-0123456789abcdef";
    private const string Facilitator = "fuzz";
    private const string Marker = "fz";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly RefusalLog _logs = new();
    private FakeSlackApi _slack = null!;
    private FakeTeamsServices _teams = null!;
    private BotFactory _bot = null!;
    private HttpClient _anonymous = null!;
    private HttpClient _signedIn = null!;
    private string _signedInAntiforgery = null!;
    private string _anonymousAntiforgery = null!;
    private string _feedToken = null!;
    private LiteDbDatabase _database = null!;
    private readonly CookieContainer _signedInCookies = new();
    private string[] _teamsTokens = [];

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _teams = await FakeTeamsServices.StartAsync(_clock);
        var settings = SlackHarness.SlackSettings(_slack.ApiBaseUrl);
        settings["Teams:AppId"] = TeamsActivities.DefaultBotId;
        settings["Teams:AppPassword"] = FakeTeamsServices.DefaultClientSecret;
        settings["Teams:TenantId"] = TeamsActivities.DefaultTenantId;
        settings["Teams:OpenIdMetadataUrl"] = _teams.OpenIdMetadataUrl;
        settings["Teams:LoginBaseUrl"] = _teams.LoginBaseUrl;
        settings["Teams:IncidentsChannelId"] = TeamsActivities.DefaultChannelId;
        settings["Web:ApiTokens:0"] = ApiToken;
        settings["Web:Console:Open"] = "false";
        settings["Reviews:Facilitators:0"] = $"console:{Facilitator}";
        settings["Logging:LogLevel:Default"] = "Warning";
        _bot = new BotFactory(settings, _clock, services =>
        {
            // No background loops: whatever changes the database then happens inside the request that caused it, so a
            // refused request can be checked for leaving it untouched.
            services.RemoveAll<ILoggerProvider>();
            services.AddSingleton<ILoggerProvider>(_logs);
            foreach (var loop in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null).ToList())
            {
                services.Remove(loop);
            }
        });

        _anonymous = _bot.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(new CookieContainer()));
        _signedIn = _bot.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(_signedInCookies));
        _anonymousAntiforgery = Antiforgery(await _anonymous.GetStringAsync(new Uri("/signin", UriKind.Relative)));
        await StaySignedInAsync();

        await using var scope = _bot.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var alice = Actor.Console("alice");
        await mediator.Send(new DeclareIncident(alice, "Checkout errors", "SEV2"));
        await mediator.Send(new DeclareIncident(alice, "Payroll export", "SEV1", IsPrivate: true));
        var resolved = await mediator.Send(new DeclareIncident(alice, "Search slow", "SEV3"));
        await mediator.Send(new ResolveIncident(alice, resolved.Number, "rolled back"));
        _feedToken = await mediator.Send(new CreateCalendarFeed(Actor.Console(Facilitator)));
        // Minted once: the clock stands still, so they stay valid (or expired) for the whole run.
        _teamsTokens =
        [
            _teams.MintToken(TeamsActivities.DefaultBotId, _teams.ConnectorUrl),
            _teams.MintToken("another-bot", _teams.ConnectorUrl),
            _teams.MintToken(TeamsActivities.DefaultBotId, _teams.ConnectorUrl, lifetime: TimeSpan.FromMinutes(-30)),
        ];
        _database = FindDatabase(_bot.Services.GetRequiredService<IIncidentStore>());
    }

    public async Task DisposeAsync()
    {
        _anonymous.Dispose();
        _signedIn.Dispose();
        await _bot.DisposeAsync();
        await _teams.DisposeAsync();
        await _slack.DisposeAsync();
    }

    public void Dispose()
    {
        _bot?.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Hostile_input_at_every_endpoint_never_500s_changes_nothing_when_refused_and_is_shown_escaped()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("INCIDENTBOT_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : RandomNumberGenerator.GetInt32(int.MaxValue);
        var total = int.TryParse(Environment.GetEnvironmentVariable("INCIDENTBOT_FUZZ_CASES"), CultureInfo.InvariantCulture, out var c) ? c : 10_000;
        Say($"Hostile input: seed {seed} (INCIDENTBOT_FUZZ_SEED={seed} replays it), {total} cases");
        var random = new Random(seed);

        var targets = Targets();
        Assert.Contains(targets, t => t.Name.StartsWith("POST /slack/", StringComparison.Ordinal));
        Assert.Contains(targets, t => t.Name == "POST /api/messages");
        Assert.Contains(targets, t => t.Name.StartsWith("socket-mode ", StringComparison.Ordinal));
        Assert.Contains(targets, t => t.Name.StartsWith("POST /incidents/", StringComparison.Ordinal));

        var counts = targets.ToDictionary(t => t.Name, _ => new Counts());
        var failures = new List<string>();
        var authenticated = 0;
        string? known = null;
        for (var i = 0; i < total; i++)
        {
            var target = targets[i % targets.Count];
            var caseRandom = new Random(HashCode.Combine(seed, i));
            var valid = caseRandom.NextDouble() < 0.6;
            authenticated += valid ? 1 : 0;
            // Only requests change the database here, so the state after a refused case is the state before the next.
            var before = known ?? Snapshot();
            known = before;
            Outcome outcome;
            try
            {
                outcome = await target.Run(new Case(caseRandom, i, valid));
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                failures.Add($"case {i} {target.Name}: threw {e.GetType().Name}: {Shorten(e.Message)}");
                known = null;
                continue;
            }

            await StaySignedInAsync();
            var count = counts[target.Name];
            count.Tried++;
            if (outcome.Status >= 500)
            {
                failures.Add($"case {i} {target.Name}: {outcome.Status} for {outcome.Description}");
            }

            if (outcome.Refused)
            {
                count.Refused++;
                var after = Snapshot();
                known = after;
                if (after != before)
                {
                    failures.Add($"case {i} {target.Name}: refused ({outcome.Status}) but the database changed ({Diff(before, after)}) for {outcome.Description}");
                }
            }
            else
            {
                count.Accepted++;
                known = null;
            }

            if (outcome.Html is { } html && Unescaped(html) is { } shown)
            {
                failures.Add($"case {i} {target.Name}: the response shows '{shown}' unescaped for {outcome.Description}");
            }

            if (failures.Count > 50)
            {
                break;
            }
        }

        failures.AddRange(await PagesShowNothingUnescapedAsync());
        failures.AddRange(_logs.Errors.Select(e => $"logged an error: {Shorten(e)}"));

        var table = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Hostile input (seed {seed}): {counts.Values.Sum(x => x.Tried)} cases, {authenticated} with valid credentials\n");
        table.Append(CultureInfo.InvariantCulture, $"{"endpoint",-52} {"tried",6} {"refused",8} {"accepted",9}\n");
        foreach (var (name, n) in counts.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            table.Append(CultureInfo.InvariantCulture, $"{name,-52} {n.Tried,6} {n.Refused,8} {n.Accepted,9}\n");
        }

        Say(table.ToString());

        // Beside the test assembly too, where the CI script prints it after a passing run (whose output is not shown).
        await File.WriteAllTextAsync(System.IO.Path.Combine(AppContext.BaseDirectory, "hostile-input-counts.txt"), table.ToString());
        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join('\n', failures.Take(40)));
        Assert.True(counts.Values.Sum(x => x.Tried) >= Math.Min(total, 10_000), "fewer cases ran than asked for");
        Assert.True(authenticated * 2 >= total, "at least half the cases carry valid credentials");
    }

    /// <summary>Signs the facilitator in with the API-token form, again after a case signed them out.</summary>
    private async Task StaySignedInAsync()
    {
        if (_signedInCookies.GetCookies(new Uri("http://localhost"))["incidentbot-auth"] is not null)
        {
            return;
        }

        using var signIn = await _signedIn.PostAsync(new Uri("/signin?handler=Token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = Facilitator,
            ["token"] = ApiToken,
            ["__RequestVerificationToken"] = Antiforgery(await _signedIn.GetStringAsync(new Uri("/signin", UriKind.Relative))),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        _signedInAntiforgery = Antiforgery(await _signedIn.GetStringAsync(new Uri("/", UriKind.Relative)));
    }

    private void Say(string text)
    {
        output.WriteLine(text);
        Console.WriteLine(text);
    }

    // ---- The doors ----

    private sealed record Target(string Name, Func<Case, Task<Outcome>> Run);

    private sealed record Case(Random Random, int Number, bool Valid)
    {
        public string Marker => $"{HostileInputTests.Marker}{Number}";

        public T Pick<T>(params T[] items) => items[Random.Next(items.Length)];

        public bool Chance(double p) => Random.NextDouble() < p;
    }

    private sealed record Outcome(int Status, bool Refused, string Description, string? Html = null);

    private sealed class Counts
    {
        public int Tried { get; set; }
        public int Refused { get; set; }
        public int Accepted { get; set; }
    }

    /// <summary>Every mapped endpoint (and every page handler), plus the Socket Mode envelope types.</summary>
    private List<Target> Targets()
    {
        var targets = new List<Target>();
        var endpoints = _bot.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints.OrderBy(e => e.RoutePattern.RawText, StringComparer.Ordinal))
        {
            var pattern = endpoint.RoutePattern;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                targets.Add(new Target($"GET {Show(pattern)}", c => PageGetAsync(c, pattern)));
                foreach (var handler in PageHandlers(page))
                {
                    targets.Add(new Target($"POST {Show(pattern)}?handler={handler.Name}", c => PagePostAsync(c, pattern, handler)));
                }
            }
            else if (pattern.RawText!.StartsWith("/slack/", StringComparison.Ordinal))
            {
                targets.Add(new Target($"POST {pattern.RawText}", c => SlackAsync(c, pattern.RawText)));
            }
            else if (pattern.RawText == "/api/messages")
            {
                targets.Add(new Target("POST /api/messages", TeamsAsync));
            }
            else
            {
                foreach (var method in methods)
                {
                    targets.Add(new Target($"{method} {Show(pattern)}", c => PlainAsync(c, method, pattern)));
                }
            }
        }

        foreach (var type in new[] { SocketModeEnvelope.SlashCommands, SocketModeEnvelope.Interactive, SocketModeEnvelope.EventsApi })
        {
            targets.Add(new Target($"socket-mode {type}", c => SocketModeAsync(c, type)));
        }

        return targets;
    }

    private static string Show(RoutePattern pattern) => "/" + (pattern.RawText ?? string.Empty).TrimStart('/');

    private sealed record PageHandler(string Name, IReadOnlyList<ParameterInfo> Parameters);

    /// <summary>A page's POST handlers, from its model type (found through the compiled page's <c>Model</c>).</summary>
    private static IEnumerable<PageHandler> PageHandlers(PageActionDescriptor page)
    {
        var assembly = typeof(IncidentBot.Web.WebRegistration).Assembly;
        var compiled = assembly.GetCustomAttributes<RazorCompiledItemAttribute>().Single(a => a.Identifier == page.RelativePath);
        var model = compiled.Type.GetProperty("Model")!.PropertyType;
        return model.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal))
            .Select(m => new PageHandler(HandlerName(m.Name), m.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).ToList()))
            .Where(h => h.Name.Length > 0);
    }

    private static string HandlerName(string method)
    {
        var name = method["OnPost".Length..];
        return name.EndsWith("Async", StringComparison.Ordinal) ? name[..^"Async".Length] : name;
    }

    /// <summary>Route values: mostly ones that exist (incidents 1–3, the live feed link), sometimes hostile.</summary>
    private string Path(Case c, RoutePattern pattern)
    {
        var path = pattern.RawText ?? "/";
        foreach (var parameter in pattern.Parameters)
        {
            var value = parameter.Name switch
            {
                "number" => c.Chance(0.8) ? c.Random.Next(1, 5).ToString(CultureInfo.InvariantCulture) : c.Pick("0", "-1", "2147483648", "99999999999999999999", "1e3", "%00", "abc"),
                "token" => c.Chance(0.5) ? _feedToken : Uri.EscapeDataString(HostileUpTo(c, 2000)),
                "provider" => c.Pick("slack", "microsoft", "github", Uri.EscapeDataString(HostileUpTo(c, 200))),
                _ => Uri.EscapeDataString(HostileUpTo(c, 200)),
            };
            path = Regex.Replace(path, "\\{" + Regex.Escape(parameter.Name) + "[^}]*\\}", value.Replace("$", "$$", StringComparison.Ordinal));
        }

        return "/" + path.TrimStart('/');
    }

    private async Task<Outcome> PageGetAsync(Case c, RoutePattern pattern)
    {
        var query = Query(c, "closed", "switch", "kind", "returnUrl", "failed", "handler");
        var path = Path(c, pattern) + query;
        using var request = new HttpRequestMessage(c.Chance(0.9) ? HttpMethod.Get : c.Pick(HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Head), path);
        return await SendWebAsync(c, request, $"{request.Method} {path}");
    }

    private async Task<Outcome> PagePostAsync(Case c, RoutePattern pattern, PageHandler handler)
    {
        var path = Path(c, pattern) + "?handler=" + (c.Chance(0.95) ? handler.Name : Uri.EscapeDataString(HostileUpTo(c, 100)));
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var parameter in handler.Parameters)
        {
            if (c.Chance(0.1))
            {
                continue;
            }

            fields.Add(new(parameter.Name!, FieldValue(c, parameter.Name!, parameter.ParameterType)));
        }

        // Half the forms carry a valid antiforgery token for the client that sends them (the sign-in form's own for
        // a visitor); the rest none or a forged one.
        var antiforgery = c.Valid ? _signedInAntiforgery : _anonymousAntiforgery;
        if (c.Chance(0.5) || c.Valid)
        {
            fields.Add(new("__RequestVerificationToken", c.Chance(0.9) ? antiforgery : Hostile(c)));
        }

        if (c.Chance(0.1))
        {
            fields.Add(new(HostileUpTo(c, 50), Hostile(c)));
        }

        using var request = new HttpRequestMessage(c.Chance(0.93) ? HttpMethod.Post : c.Pick(HttpMethod.Put, HttpMethod.Delete, HttpMethod.Get), path)
        {
            Content = FormContent(c, fields),
        };
        return await SendWebAsync(c, request, $"{request.Method} {path} with {string.Join(", ", fields.Select(f => $"{f.Key}={Shorten(f.Value)}"))}");
    }

    private static HttpContent FormContent(Case c, List<KeyValuePair<string, string>> fields)
    {
        switch (c.Random.Next(12))
        {
            case 0:
                return new StringContent(JsonSerializer.Serialize(fields.ToDictionary(f => f.Key, f => f.Value)), Encoding.UTF8, "application/json");
            case 1:
                var multipart = new MultipartFormDataContent();
                foreach (var (key, value) in fields.Where(f => f.Key.Length > 0 && !f.Key.Any(ch => ch is '"' || char.IsWhiteSpace(ch) || char.IsControl(ch))))
                {
                    // A name the client cannot put in a Content-Disposition header is left out.
                    multipart.Add(new StringContent(value), key);
                }

                return multipart;
            case 2:
                var raw = new ByteArrayContent(Garbage(c));
                raw.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
                return raw;
            case 3:
                return new StringContent(string.Join('&', fields.Select(f => $"{f.Key}={f.Value}")), Encoding.UTF8, c.Pick("text/plain", "application/xml", "application/x-www-form-urlencoded"));
            default:
                // FormUrlEncodedContent refuses very long values; encode them by hand.
                var encoded = string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={EscapeLong(f.Value)}"));
                return new StringContent(encoded, Encoding.UTF8, "application/x-www-form-urlencoded");
        }
    }

    private static string EscapeLong(string value)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i += 30_000)
        {
            var part = value.Substring(i, Math.Min(30_000, value.Length - i));
            // A lone surrogate cannot be escaped as UTF-8; send the replacement's bytes, as a browser would.
            // A lone surrogate has no UTF-8 form; a browser sends U+FFFD in its place.
            sb.Append(Uri.EscapeDataString(ToWellFormed(part)));
        }

        return sb.ToString();
    }

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string FieldValue(Case c, string name, Type declared)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (c.Chance(0.3))
        {
            return Hostile(c);
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return c.Pick("1", "2", "3", "0", "-1", "9223372036854775808", "1.5");
        }

        if (type == typeof(bool))
        {
            return c.Pick("true", "false", "on", "1", "yes");
        }

        if (type == typeof(DateOnly))
        {
            return c.Pick("2030-01-01", "2026-13-45", "0001-01-01", "9999-12-31", "yesterday");
        }

        return name switch
        {
            "text" => c.Pick("declare sev2 ", "INC-1 note ", "INC-1 update ", "INC-1 status monitoring ", "INC-1 role scribe <@U0FUZZ> ", "INC-3 action add ", "list ", "help ", "INC-1 summary ") + Hostile(c),
            "severity" => c.Pick("SEV1", "SEV2", "SEV4", "sev9", Hostile(c)),
            "action" => c.Pick("schedule", "move", "skip", "extend", "unbook", "show", Hostile(c)),
            "name" => c.Pick("alice", "bob", Facilitator, Hostile(c)),
            "token" => c.Valid ? ApiToken : Hostile(c),
            _ => Hostile(c),
        };
    }

    private async Task<Outcome> PlainAsync(Case c, string method, RoutePattern pattern)
    {
        var path = Path(c, pattern) + Query(c, "format", "returnUrl");
        using var request = new HttpRequestMessage(new HttpMethod(c.Chance(0.9) ? method : c.Pick("POST", "PUT", "DELETE", "GET")), path);
        if (request.Method != HttpMethod.Get && c.Chance(0.5))
        {
            request.Content = new ByteArrayContent(Garbage(c));
        }

        return await SendWebAsync(c, request, $"{request.Method} {path}");
    }

    /// <summary>Web requests: valid ones as the signed-in facilitator (cookie) or a script (bearer token), the rest as nobody or with a wrong token or cookie.</summary>
    private async Task<Outcome> SendWebAsync(Case c, HttpRequestMessage request, string description)
    {
        var client = c.Valid && c.Chance(0.7) ? _signedIn : _anonymous;
        if (c.Valid && client == _anonymous)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        }
        else if (!c.Valid)
        {
            switch (c.Random.Next(4))
            {
                case 0:
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + HostileUpTo(c, 500).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal));
                    break;
                case 1:
                    request.Headers.TryAddWithoutValidation("Cookie", $"incidentbot-auth={Convert.ToBase64String(Garbage(c))}; incidentbot-console-user=mallory");
                    break;
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("null characters", StringComparison.Ordinal))
        {
            // The in-memory server refuses a NUL in the path before the app sees it, as Kestrel does with a 400.
            return new Outcome(400, true, description);
        }

        using var _ = response;
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.OriginalString ?? string.Empty;
        var refused = status is >= 400 and < 500 || (status is 301 or 302 && (location.StartsWith("/signin", StringComparison.Ordinal) || location.StartsWith("/?returnUrl", StringComparison.Ordinal)));
        var html = response.Content.Headers.ContentType?.MediaType == "text/html" ? await response.Content.ReadAsStringAsync() : null;
        return new Outcome(status, refused, description, html);
    }

    private static string Query(Case c, params string[] names)
    {
        if (c.Chance(0.4))
        {
            return string.Empty;
        }

        var parts = Enumerable.Range(0, c.Random.Next(1, 4)).Select(_ => $"{c.Pick(names)}={Uri.EscapeDataString(ToWellFormed(HostileUpTo(c, 1500)))}");
        return "?" + string.Join('&', parts);
    }

    private static string ToWellFormed(string s) => IsWellFormed(s) ? s : new string(s.Select(ch => char.IsSurrogate(ch) ? '\uFFFD' : ch).ToArray());

    // ---- Slack ----

    private async Task<Outcome> SlackAsync(Case c, string path)
    {
        var (body, contentType) = path switch
        {
            "/slack/commands" => (SlackCommandBody(c), "application/x-www-form-urlencoded"),
            "/slack/interactions" => ("payload=" + Uri.EscapeDataString(ToWellFormed(Mutate(c, SlackInteraction(c)))), "application/x-www-form-urlencoded"),
            _ => (Mutate(c, SlackEvent(c)), "application/json"),
        };
        var bytes = c.Chance(0.08) ? Garbage(c) : Encoding.UTF8.GetBytes(ToWellFormed(body));
        if (c.Chance(0.1))
        {
            contentType = c.Pick("text/plain", "application/json", "multipart/form-data; boundary=x", "application/octet-stream");
        }

        var at = _clock.GetUtcNow();
        using var request = new HttpRequestMessage(c.Chance(0.95) ? HttpMethod.Post : c.Pick(HttpMethod.Get, HttpMethod.Put), path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (c.Valid)
        {
            var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
            request.Headers.Add("X-Slack-Signature", Encoding.ASCII.GetString(IncidentBot.Slack.Inbound.SlackSignature.Compute(SlackHarness.SigningSecret, timestamp, bytes)));
            if (c.Chance(0.1))
            {
                request.Headers.Add("X-Slack-Retry-Num", c.Pick("1", "-1", "999999999999", "x"));
            }
        }
        else
        {
            switch (c.Random.Next(4))
            {
                case 0:
                    var stale = at.AddMinutes(-10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                    request.Headers.Add("X-Slack-Request-Timestamp", stale);
                    request.Headers.Add("X-Slack-Signature", Encoding.ASCII.GetString(IncidentBot.Slack.Inbound.SlackSignature.Compute(SlackHarness.SigningSecret, stale, bytes)));
                    break;
                case 1:
                    request.Headers.Add("X-Slack-Request-Timestamp", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                    request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(RandomBytes(c, 32)));
                    break;
                case 2:
                    request.Headers.TryAddWithoutValidation("X-Slack-Request-Timestamp", c.Pick("", "abc", "-1", "99999999999999999999", "1e10"));
                    request.Headers.TryAddWithoutValidation("X-Slack-Signature", c.Pick("", "v0=", "v1=00", "v0=zz"));
                    break;
            }
        }

        using var response = await _anonymous.SendAsync(request);
        var status = (int)response.StatusCode;
        return new Outcome(status, status is >= 400 and < 500, $"{request.Method} {path} {contentType} {Shorten(Encoding.UTF8.GetString(bytes))}");
    }

    private string SlackCommandBody(Case c)
    {
        var text = FieldValue(c, "text", typeof(string));
        var body = SlackHarness.CommandBody(_slack, ToWellFormed(text), channel: c.Pick("C0GENERAL", "C0INCIDENT", "C" + c.Random.Next(1000)), user: c.Pick("U2CERLKJA", "U0FUZZ", "U" + c.Random.Next(100)));
        var fields = body.Split('&').ToList();
        for (var n = c.Random.Next(0, 3); n > 0; n--)
        {
            var at = c.Random.Next(fields.Count);
            var key = fields[at].Split('=')[0];
            fields[at] = c.Random.Next(4) switch
            {
                0 => string.Empty,
                1 => $"{key}={EscapeLong(Hostile(c))}",
                2 => $"{key}",
                _ => $"{key}={Uri.EscapeDataString(ToWellFormed(HostileUpTo(c, 80)))}&{key}=again",
            };
        }

        return string.Join('&', fields);
    }

    private static JsonNode SlackInteraction(Case c) => JsonNode.Parse(SlackHarness.Fixture(c.Pick(
        "interaction-block_actions.json", "interaction-block_actions-static_select.json", "interaction-message_action.json", "interaction-shortcut.json", "interaction-view_submission.json")))!;

    private static JsonNode SlackEvent(Case c) => JsonNode.Parse(SlackHarness.Fixture(c.Pick(
        "event-member_joined_channel.json", "event-member_left_channel.json", "event-pin_added.json", "event-reaction_added.json", "event-url_verification.json")))!;

    private async Task<Outcome> SocketModeAsync(Case c, string type)
    {
        var envelopes = JsonNode.Parse(SlackHarness.Fixture("socket-mode-envelopes.json"))!;
        var payload = envelopes[type]!["payload"]!.DeepClone();
        if (type == SocketModeEnvelope.SlashCommands)
        {
            payload["command"] = "/incident";
            payload["text"] = ToWellFormed(FieldValue(c, "text", typeof(string)));
        }

        var text = Mutate(c, payload);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            // The client drops a frame that is not JSON before any dispatch; nothing to send.
            return new Outcome(400, true, $"socket {type} not JSON");
        }

        using (document)
        {
            var dispatcher = _bot.Services.GetRequiredService<ISocketModeDispatcher>();
            var warnings = _logs.SocketModeRefusals;
            var reply = await dispatcher.DispatchAsync(new SocketModeEnvelope($"env-{c.Number}", type, document.RootElement.Clone(), AcceptsResponsePayload: true, 0, null), CancellationToken.None);
            var refused = _logs.SocketModeRefusals > warnings;
            reply.AfterAck?.Invoke();
            return new Outcome(200, refused, $"socket {type} {Shorten(text)}");
        }
    }

    // ---- Teams ----

    private async Task<Outcome> TeamsAsync(Case c)
    {
        var serviceUrl = _teams.ConnectorUrl;
        var json = c.Random.Next(6) switch
        {
            0 => TeamsActivities.ConversationUpdateBotAdded(serviceUrl: serviceUrl),
            1 => TeamsActivities.InstallationUpdateAdd(serviceUrl: serviceUrl),
            _ => TeamsActivities.Message($"<at>{TeamsActivities.DefaultBotName}</at> " + ToWellFormed(FieldValue(c, "text", typeof(string))),
                serviceUrl: serviceUrl, mentionBot: true, mentions: c.Chance(0.3) ? [("9f1c2d3e-0000-4000-8000-00000000000" + c.Random.Next(10), HostileUpTo(c, 100))] : null),
        };
        var text = Mutate(c, JsonNode.Parse(json)!);
        var bytes = c.Chance(0.06) ? Garbage(c) : Encoding.UTF8.GetBytes(text);
        using var request = new HttpRequestMessage(c.Chance(0.95) ? HttpMethod.Post : c.Pick(HttpMethod.Get, HttpMethod.Put), "/api/messages") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(c.Chance(0.9) ? "application/json" : c.Pick("text/plain", "application/x-www-form-urlencoded"));
        if (c.Valid)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _teamsTokens[0]);
        }
        else
        {
            switch (c.Random.Next(4))
            {
                case 0:
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _teamsTokens[1]);
                    break;
                case 1:
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _teamsTokens[2]);
                    break;
                case 2:
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Convert.ToBase64String(Garbage(c)));
                    break;
            }
        }

        using var response = await _anonymous.SendAsync(request);
        var status = (int)response.StatusCode;
        return new Outcome(status, status is >= 400 and < 500, $"{request.Method} /api/messages {Shorten(text)}");
    }

    // ---- Hostile values ----

    /// <summary>A hostile text: markup and mention syntax carrying this case's marker, control characters, broken UTF-16, huge or odd values.</summary>
    private static string HostileUpTo(Case c, int max)
    {
        var text = Hostile(c);
        return text.Length <= max ? text : text[..max];
    }

    private static string Hostile(Case c)
    {
        var m = c.Marker;
        return c.Random.Next(22) switch
        {
            0 => $"<{m}>",
            1 => $"\"><{m} onerror=alert(1)>",
            2 => $"'><{m}>'",
            3 => $"</textarea></title><{m}><script>alert('{m}')</script>",
            4 => $"[click](javascript:{m})",
            5 => $"<javascript:{m}>",
            6 => $"![img](javascript:{m}) **bold** _it_ `code` | a | b |\n# heading {m}",
            7 => $"<@U0FUZZ> <!channel> <!here|here> <#C0GENERAL|general> <https://evil.example|{m}> <javascript:{m}|x>",
            8 => $"<at>{m}</at> <at>{TeamsActivities.DefaultBotName}</at>",
            9 => "\0\0\0\0\0\0\0\0",
            10 => $"{m}\u0001\u0007\u001b[31m\u007f",
            11 => $"{m}\uD800",
            12 => $"\uDC00{m}",
            13 => $"{m}\u202e\uFEFF\u200b\r\n\t",
            14 => new string('A', c.Random.Next(4_001, 40_000)),
            15 => string.Concat(Enumerable.Repeat($"<{m}>", c.Random.Next(50, 600))),
            16 => c.Pick("-1", "0", "99999999999999999999", "NaN", "1e309", "0x10", "", " ", "null", "true"),
            17 => $"{{{{{m}}}}} ${{{m}}} %s %n %x",
            18 => $"=HYPERLINK(\"http://evil/{m}\")",
            19 => $"&lt;{m}&gt; &#60;{m}&#62;",
            20 => $"{m} 😀👍🏽 中文 עברית",
            _ => $"plain {m}",
        };
    }

    /// <summary>Changes a JSON document as an attacker would: hostile strings, wrong types, missing keys, deep nesting, broken text.</summary>
    private static string Mutate(Case c, JsonNode root)
    {
        for (var n = c.Random.Next(1, 4); n > 0; n--)
        {
            var nodes = Walk(root).Where(x => x.Parent is not null).ToList();
            if (nodes.Count == 0)
            {
                break;
            }

            var node = c.Pick([.. nodes]);
            JsonNode? replacement = c.Random.Next(8) switch
            {
                0 or 1 or 2 => JsonValue.Create(Hostile(c)),
                3 => JsonValue.Create(c.Random.Next() * (c.Chance(0.5) ? -1 : 1)),
                4 => null,
                5 => new JsonArray(JsonValue.Create(Hostile(c)), new JsonObject()),
                6 => new JsonObject { ["x"] = Hostile(c) },
                _ => JsonValue.Create(c.Chance(0.5)),
            };
            if (c.Chance(0.15))
            {
                Remove(node);
            }
            else
            {
                node.ReplaceWith(replacement);
            }
        }

        var text = root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return c.Random.Next(10) switch
        {
            0 => text[..c.Random.Next(text.Length)],
            1 => new string('[', c.Random.Next(65, 5000)) + new string(']', c.Random.Next(0, 5000)),
            2 => "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", c.Random.Next(60, 300))) + "1" + new string('}', 300),
            3 => text.Replace("\"", c.Pick("'", "\\", "\"\""), StringComparison.Ordinal),
            _ => text,
        };
    }

    private static IEnumerable<JsonNode> Walk(JsonNode? node)
    {
        if (node is null)
        {
            yield break;
        }

        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.ToList())
        {
            foreach (var n in Walk(child))
            {
                yield return n;
            }
        }
    }

    private static void Remove(JsonNode node)
    {
        switch (node.Parent)
        {
            case JsonObject o:
                o.Remove(o.First(p => ReferenceEquals(p.Value, node)).Key);
                break;
            case JsonArray a:
                a.Remove(node);
                break;
        }
    }

    private static byte[] Garbage(Case c) => c.Random.Next(4) switch
    {
        0 => RandomBytes(c, c.Random.Next(0, 2000)),
        1 => [0xFF, 0xFE, 0x00, 0xC3, 0x28, 0xED, 0xA0, 0x80],
        2 => Encoding.UTF8.GetBytes(new string('%', c.Random.Next(1, 500))),
        _ => [],
    };

    private static byte[] RandomBytes(Case c, int length)
    {
        var bytes = new byte[length];
        c.Random.NextBytes(bytes);
        return bytes;
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + $"… ({text.Length} chars)";

    // ---- What must hold ----

    [GeneratedRegex("<fz\\d|(href|src|action|formaction)\\s*=\\s*[\"']?\\s*javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex UnescapedMarker();

    private static string? Unescaped(string html) => UnescapedMarker().Match(html) is { Success: true } m ? html.Substring(Math.Max(0, m.Index - 40), Math.Min(120, html.Length - Math.Max(0, m.Index - 40))) : null;

    /// <summary>Every page, as a facilitator who sees everything, after all the accepted input.</summary>
    private async Task<List<string>> PagesShowNothingUnescapedAsync()
    {
        var failures = new List<string>();
        var paths = new List<string> { "/", "/?closed=true", "/reviews", "/admin/work", "/signin" };
        var incidents = await StoreProbe.IncidentCountAsync(_bot.Services);
        for (var n = 1; n <= incidents + 1; n++)
        {
            paths.Add($"/incidents/{n}");
            paths.Add($"/incidents/{n}/review");
        }

        foreach (var path in paths)
        {
            using var response = await _signedIn.GetAsync(new Uri(path, UriKind.Relative));
            var html = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"page {path}: {(int)response.StatusCode}");
            }
            else if (Unescaped(html) is { } shown)
            {
                failures.Add($"page {path} shows '{shown}' unescaped");
            }
        }

        Say($"Pages checked for unescaped markers: {paths.Count} ({incidents} incidents)");
        return failures;
    }

    private static string Antiforgery(string page) =>
        WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value) is { Length: > 0 } token ? token : throw new InvalidOperationException("no antiforgery token on the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static LiteDbDatabase FindDatabase(object store)
    {
        foreach (var field in store.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
        {
            if (field.GetValue(store) is LiteDbDatabase database)
            {
                return database;
            }
        }

        throw new InvalidOperationException($"{store.GetType().Name} holds no LiteDB database: the test expects the LiteDB store.");
    }

    /// <summary>
    /// What any write would change: the highest id of every collection with automatic ids (their rows are added, an
    /// edit adds an audit row), and the content of the others (incidents, people, sessions, documents, feeds …).
    /// </summary>
    private string Snapshot()
    {
        var sb = new StringBuilder();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in _database.Db.GetCollectionNames().Order(StringComparer.Ordinal))
        {
            var collection = _database.Db.GetCollection(name);
            if (AutoId.Contains(name))
            {
                var last = collection.Query().OrderByDescending("_id").Select("_id").Limit(1).ToDocuments().FirstOrDefault();
                sb.Append(CultureInfo.InvariantCulture, $"{name}:{collection.Count()}:{last?["_id"]};");
                continue;
            }

            foreach (var document in collection.FindAll())
            {
                hash.AppendData(LiteDB.BsonSerializer.Serialize(document));
            }

            sb.Append(CultureInfo.InvariantCulture, $"{name}:{Convert.ToHexString(hash.GetHashAndReset())[..12]};");
        }

        return sb.ToString();
    }

    private static readonly HashSet<string> AutoId = [LiteDbSchema.Timeline, LiteDbSchema.Edits, LiteDbSchema.Channels, LiteDbSchema.Messages, LiteDbSchema.Work];

    private static string Diff(string before, string after)
    {
        var a = before.Split(';');
        var b = after.Split(';');
        return string.Join(", ", a.Zip(b).Where(p => p.First != p.Second).Select(p => $"{p.First} → {p.Second}"));
    }

    /// <summary>Counts refusals the Socket Mode dispatcher logs, and errors anywhere (an unhandled exception is one).</summary>
    private sealed class RefusalLog : ILoggerProvider
    {
        private int _socketModeRefusals;

        public ConcurrentQueue<string> Errors { get; } = new();

        public int SocketModeRefusals => Volatile.Read(ref _socketModeRefusals);

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(RefusalLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error)
                {
                    log.Errors.Enqueue($"{category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
                }
                else if (logLevel == LogLevel.Warning && category.EndsWith("SlackSocketModeDispatcher", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref log._socketModeRefusals);
                }
            }
        }
    }
}
