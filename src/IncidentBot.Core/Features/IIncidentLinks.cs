namespace IncidentBot.Core.Features;

/// <summary>Where an incident's web page is, for links posted to chat; the web module knows the public address.</summary>
public interface IIncidentLinks
{
    string? IncidentUrl(int number);

    /// <summary>The incident index (search, filters, every page), when the web console is reachable.</summary>
    string? IndexUrl();
}

internal sealed class NoIncidentLinks : IIncidentLinks
{
    public string? IncidentUrl(int number) => null;

    public string? IndexUrl() => null;
}
