namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// An exclusive lock file beside the database, held for the life of the process: LiteDB's direct connection does not
/// stop a second process on Linux, and two writers would corrupt the file.
/// </summary>
internal sealed class LiteDbFileLock : IDisposable
{
    private readonly FileStream _stream;

    private LiteDbFileLock(FileStream stream) => _stream = stream;

    public static LiteDbFileLock Acquire(string databasePath)
    {
        var lockPath = databasePath + ".lock";
        try
        {
            return new LiteDbFileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"Another IncidentBot process is using {databasePath} (lock file {lockPath}); LiteDB allows one process. " +
                "Stop it, or use Storage:Provider=Postgres for several replicas.", e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
