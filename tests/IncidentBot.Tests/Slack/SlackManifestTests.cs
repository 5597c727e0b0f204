using IncidentBot.Slack.Blocks;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>The manifests people paste into Slack must match what the code listens for.</summary>
public class SlackManifestTests
{
    public static TheoryData<string> Manifests => new() { "manifest.yml", "manifest.socket-mode.yml" };

    private static string Read(string name) => File.ReadAllText(Repository.PathOf("manifests", "slack", name));

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Manifest_DeclaresTheCommandShortcutsEventsAndScopesTheCodeUses(string name)
    {
        var manifest = Read(name);

        Assert.Contains("command: /incident", manifest);
        Assert.Contains("should_escape: true", manifest);
        Assert.Contains($"callback_id: {SlackViews.CaptureCallback}", manifest);
        Assert.Contains($"callback_id: {SlackViews.DeclareCallback}", manifest);
        foreach (var ev in new[] { "reaction_added", "reaction_removed", "pin_added", "member_joined_channel", "member_left_channel" })
        {
            Assert.Contains($"- {ev}", manifest);
        }

        foreach (var scope in new[] { "commands", "chat:write", "channels:manage", "groups:write", "reactions:read", "pins:read", "pins:write", "bookmarks:read", "bookmarks:write", "users:read", "channels:history", "groups:history", "channels:join" })
        {
            Assert.Contains($"- {scope}\n", manifest.ReplaceLineEndings("\n"));
        }
    }

    [Fact]
    public void HttpManifest_PointsAtTheEndpoints_SocketModeManifestHasNoUrls()
    {
        var http = Read("manifest.yml");
        var socket = Read("manifest.socket-mode.yml");

        Assert.Contains("/slack/commands", http);
        Assert.Contains("/slack/events", http);
        Assert.Contains("/slack/interactions", http);
        Assert.Contains("socket_mode_enabled: false", http);
        Assert.Contains("socket_mode_enabled: true", socket);
        Assert.DoesNotContain("url:", socket);
    }
}
