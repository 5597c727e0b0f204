using System.Globalization;
using System.Text.RegularExpressions;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Host;

/// <summary>
/// The runtime settings (<c>DOTNET_*</c>) the shipped deployments give the bot. The runtime reads them only from the
/// environment, so each deployment file must carry them; the Kubernetes deployment runs the Dockerfile's image.
/// </summary>
public sealed partial class DeploymentManifestTests
{
    [Fact]
    public void TheSystemdUnitAndTheImage_RunTheRuntimeAlike_PromotingHotCodeSoonerThanByDefault()
    {
        var unit = Settings(SystemdLine(), Repository.PathOf("manifests", "deploy", "incidentbot.service"));
        var image = Settings(DockerfileLine(), Repository.PathOf("manifests", "deploy", "Dockerfile"));
        var kubernetes = Settings(KubernetesLine(), Repository.PathOf("manifests", "deploy", "kubernetes.yaml"));

        // Under a steady load the runtime kept postponing its recompilation of hot code (every method called for the
        // first time restarts its 100 ms wait), so a restarted bot ran its first seconds on start-up quality code.
        Assert.True(unit.TryGetValue("DOTNET_TC_CallCountingDelayMs", out var delay) && int.Parse(delay, CultureInfo.InvariantCulture) < 100,
            $"DOTNET_TC_CallCountingDelayMs is {delay ?? "not set"} in the systemd unit; below the runtime's 100 ms, please");
        Assert.Equal(unit, image);
        Assert.All(kubernetes, setting => Assert.Equal(image.GetValueOrDefault(setting.Key), setting.Value));
    }

    private static Dictionary<string, string> Settings(Regex line, string path) =>
        File.ReadLines(path)
            .Select(text => line.Match(text))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups["name"].Value, match => match.Groups["value"].Value.Trim('"'), StringComparer.Ordinal);

    [GeneratedRegex(@"^Environment=(?<name>DOTNET_\w+)=(?<value>\S+)\s*$")]
    private static partial Regex SystemdLine();

    [GeneratedRegex(@"^ENV\s+(?<name>DOTNET_\w+)=(?<value>\S+)\s*$")]
    private static partial Regex DockerfileLine();

    [GeneratedRegex(@"name:\s*(?<name>DOTNET_\w+),\s*value:\s*(?<value>""?[^""}\s]+""?)")]
    private static partial Regex KubernetesLine();
}
