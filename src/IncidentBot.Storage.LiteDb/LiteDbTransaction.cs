using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// One LiteDB transaction as one synchronous block. LiteDB binds a transaction to the thread that began it: a
/// commit from another thread returns false and writes nothing, so nothing here may await, and a false commit throws.
/// </summary>
internal static class LiteDbTransaction
{
    public static void Run(LiteDatabase db, Action body)
    {
        if (!db.BeginTrans())
        {
            throw new InvalidOperationException("LiteDB: a transaction is already open on this thread; nothing was written.");
        }

        try
        {
            body();
        }
        catch
        {
            RollBack(db);
            throw;
        }

        bool committed;
        try
        {
            committed = db.Commit();
        }
        catch
        {
            RollBack(db);
            throw;
        }

        if (!committed)
        {
            throw new InvalidOperationException("LiteDB did not commit the transaction (Commit returned false); nothing was written.");
        }
    }

    /// <summary>
    /// Rolls back, keeping the original failure: when LiteDB already tore the transaction down (it does on some
    /// errors), its rollback throws, and that would hide why the write failed.
    /// </summary>
    private static void RollBack(LiteDatabase db)
    {
        try
        {
            db.Rollback();
        }
        catch (LiteException)
        {
        }
    }
}
