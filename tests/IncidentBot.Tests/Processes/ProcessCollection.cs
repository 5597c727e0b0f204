namespace IncidentBot.Tests.Processes;

/// <summary>
/// The tests that start bot processes run one at a time and after the rest of the suite: they time leases of a
/// few seconds, which two cores busy with other tests could stretch.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "Bot processes";
}
