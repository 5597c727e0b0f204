namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// LiteDB's log file (<c>name-log.ext</c>, where LiteDB itself keeps it, so a log left by an earlier run is replayed),
/// opened by us: LiteDB writes every commit there and never asks for it to reach the disk; the data file it flushes
/// only at checkpoints, after the log is copied in.
/// </summary>
internal sealed class LiteDbLogFile : IDisposable
{
    private readonly string _path;
    private readonly DiskFlushingFileStream _stream;

    private LiteDbLogFile(string path, DiskFlushingFileStream stream)
    {
        _path = path;
        _stream = stream;
    }

    /// <summary>The stream LiteDB writes to; it may call <see cref="Stream.Flush()"/> (to crop a torn page).</summary>
    public Stream Stream => _stream;

    public static LiteDbLogFile Open(string databasePath)
    {
        var path = PathOf(databasePath);
        return new LiteDbLogFile(path, new DiskFlushingFileStream(path));
    }

    public static string PathOf(string databasePath) =>
        Path.Combine(Path.GetDirectoryName(databasePath) ?? string.Empty,
            Path.GetFileNameWithoutExtension(databasePath) + "-log" + Path.GetExtension(databasePath));

    public void FlushToDisk() => _stream.Flush(flushToDisk: true);

    /// <summary>Closes the log, deleting it when LiteDB's closing checkpoint emptied it (as LiteDB does with its own).</summary>
    public void Dispose()
    {
        var empty = _stream.Length == 0;
        _stream.Dispose();
        if (empty)
        {
            File.Delete(_path);
        }
    }

    /// <summary>
    /// Unbuffered, so each page LiteDB writes goes straight to the operating system; and a flush reaches the disk,
    /// which LiteDB asks for with <see cref="Stream.Flush()"/> on streams it did not open.
    /// </summary>
    private sealed class DiskFlushingFileStream(string path)
        : FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess)
    {
        public override void Flush() => Flush(flushToDisk: true);
    }
}
