namespace IncidentBot.Tests.Infrastructure;

/// <summary>Files of this repository that tests check against the code: manifests, launch profiles, deployment files.</summary>
public static class Repository
{
    /// <summary>The folder holding <c>IncidentBot.sln</c>, above the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path below the repository's root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IncidentBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root (IncidentBot.sln) is not above the test's folder.");
    }
}
