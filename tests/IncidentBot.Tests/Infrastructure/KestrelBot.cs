using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// The real host on a real socket (127.0.0.1, a free port), for browsers and raw HTTP clients. Every request comes
/// from loopback, as it does behind a reverse proxy on the same machine.
/// </summary>
public sealed class KestrelBot : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _databaseFile;

    private KestrelBot(WebApplication app, string databaseFile)
    {
        _app = app;
        _databaseFile = databaseFile;
    }

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    public IServiceProvider Services => _app.Services;

    /// <param name="settings">Configuration, as on the command line.</param>
    /// <param name="environment">The host environment; access tests set Production.</param>
    /// <param name="services">Added after the bot's own services (a test's outbox executor …).</param>
    public static async Task<KestrelBot> StartAsync(
        IDictionary<string, string?>? settings = null, string environment = "Testing", Action<IServiceCollection>? services = null)
    {
        var file = Path.Combine(Path.GetTempPath(), "incidentbot-tests", $"{Guid.NewGuid():N}.litedb");
        var args = new List<string> { "--urls", "http://127.0.0.1:0", "--environment", environment, $"--Storage:Path={file}" };
        args.AddRange((settings ?? new Dictionary<string, string?>()).Select(kv => $"--{kv.Key}={kv.Value}"));
        var app = IncidentBotHost.Build([.. args], builder => services?.Invoke(builder.Services));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new KestrelBot(app, file);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            File.Delete(_databaseFile);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is disposable.
        }
    }
}
