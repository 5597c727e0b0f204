namespace IncidentBot.Core.Features;

/// <summary>Where an incident's web page is, for links posted to chat; the web module knows the public address.</summary>
public interface IIncidentLinks
{
    string? IncidentUrl(int number);
}

internal sealed class NoIncidentLinks : IIncidentLinks
{
    public string? IncidentUrl(int number) => null;
}
