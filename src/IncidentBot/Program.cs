using IncidentBot;

try
{
    var app = IncidentBotHost.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (ConfigurationErrorsException.LinesOf(e) is { Count: > 0 } lines)
{
    // A wrong setting is the operator's to fix: say which, one line each, and no stack trace.
    foreach (var line in lines)
    {
        Console.Error.WriteLine(line);
    }

    return 1;
}

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
