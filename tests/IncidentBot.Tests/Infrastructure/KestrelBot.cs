using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>The real host on a real socket (127.0.0.1, a free port), for browsers and raw HTTP clients.</summary>
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

    public static async Task<KestrelBot> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var file = Path.Combine(Path.GetTempPath(), "incidentbot-tests", $"{Guid.NewGuid():N}.litedb");
        var args = new List<string> { "--urls", "http://127.0.0.1:0", "--environment", "Testing", $"--Storage:Path={file}" };
        args.AddRange((settings ?? new Dictionary<string, string?>()).Select(kv => $"--{kv.Key}={kv.Value}"));
        var app = IncidentBotHost.Build([.. args]);
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
