using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// Applies a <see cref="StoreChange"/> in one writer transaction, in a fixed order (the declared incident first, so
/// its number is in the declared entry's text before the entries are written). Any exception rolls it all back;
/// the caller's objects get their ids, number and versions set (again) only as the change commits.
/// The file has one owner, so every change is this process's own: it is told to <see cref="IIncidentChangeFeed"/> watchers after the commit.
/// </summary>
internal sealed class LiteDbChangeStore(LiteDbDatabase database, LiteDbWriter writer, WorkItemWriter work, IncidentChangeBroadcast feed) : IChangeStore
{
    public async Task CommitAsync(StoreChange change, CancellationToken cancellationToken)
    {
        if (change.IsEmpty)
        {
            return;
        }

        if (change.OnlyCompletes)
        {
            // Most runs change nothing but their own item (a command that only answers): those completions are many
            // and independent, so they share the accepts' group commit instead of taking one commit each.
            var completion = change.Completes!;
            if (!await writer.RunGroupedAsync(scope => work.TryComplete(scope, completion), cancellationToken, waitForDisk: false))
            {
                throw WorkItemWriter.LeaseLost(completion);
            }

            return;
        }

        // Grouped with the other writes waiting: a busy incident's captures each commit alone otherwise, and the
        // commits were most of the writer's time. A conflict fails the group, and each of its writes runs again alone.
        // A run's change is lost to a power cut only with its completion, and then the run runs again: its runner
        // need not wait for the disk (see LiteDbWriter.RunAsync); a change from a person's request must.
        await writer.RunGroupedAsync(scope =>
        {
            Apply(scope, change);
            return true;
        }, cancellationToken, waitForDisk: change.Completes is null);
        feed.Publish(IncidentChangeBroadcast.IncidentsOf(change));
    }

    private void Apply(WriteScope scope, StoreChange change)
    {
        if (change.Declared is { } declared)
        {
            Declare(scope, declared);
        }

        foreach (var write in change.Incidents)
        {
            WriteIncident(scope, write);
        }

        foreach (var entry in change.NewEntries)
        {
            if (entry.ExternalId is { } externalId && LiteDbTimelineStore.FindCaptured(database, entry.IncidentId, externalId) is not null)
            {
                throw new StoreConflictException(StoreConflictKind.DuplicateCapture,
                    $"Message {externalId} is already on the timeline of incident {entry.IncidentId}; nothing was written.");
            }

            entry.Id = 0;
            database.Timeline.Insert(entry);
        }

        foreach (var entry in change.ChangedEntries)
        {
            if (!database.Timeline.Update(entry))
            {
                throw new InvalidOperationException($"Timeline entry {entry.Id} does not exist; nothing was written.");
            }
        }

        foreach (var edit in change.Edits)
        {
            edit.Id = 0;
            database.Edits.Insert(edit);
        }

        foreach (var person in change.People)
        {
            LiteDbPeopleStore.Remember(database, scope, person);
        }

        foreach (var item in change.Enqueued)
        {
            work.Enqueue(scope, item);
        }

        foreach (var uniqueKey in change.Cancelled)
        {
            work.Cancel(scope, uniqueKey);
        }

        if (change.Completes is { } completion)
        {
            work.Complete(scope, completion);
        }

        if (change.Calendar is { } calendar)
        {
            ReviewCalendar.Write(database, calendar);
        }

        foreach (var document in change.Documents)
        {
            database.Documents.Upsert(document);
        }
    }

    private void Declare(WriteScope scope, Incident incident)
    {
        if (incident.Id <= 0)
        {
            throw new InvalidOperationException("A declared incident needs its id from NewIncidentIdAsync; nothing was written.");
        }

        var last = database.Incidents.Find(Query.All(IncidentDocument.Number, Query.Descending), limit: 1).FirstOrDefault();
        var number = (last?[IncidentDocument.Number].AsInt32 ?? 0) + 1;
        incident.AssignNumber(number);
        database.Incidents.Insert(IncidentDocument.From(database.Mapper, incident, version: 1));
        scope.AfterCommit(() => incident.Version = 1);
    }

    private void WriteIncident(WriteScope scope, IncidentWrite write)
    {
        var incident = write.Incident;
        var stored = database.Incidents.FindById(incident.Id);
        var storedVersion = stored?[IncidentDocument.Version].AsInt32;
        if (storedVersion != write.ExpectedVersion)
        {
            throw new StoreConflictException(StoreConflictKind.IncidentVersion,
                $"{incident.Reference} is at version {storedVersion?.ToString() ?? "(none)"}, not {write.ExpectedVersion}; nothing was written.");
        }

        var next = write.ExpectedVersion + 1;
        database.Incidents.Update(IncidentDocument.From(database.Mapper, incident, next));
        scope.AfterCommit(() => incident.Version = next);
    }
}
