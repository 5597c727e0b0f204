using System.Globalization;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Storage;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Commits a <see cref="StoreChange"/> in one transaction: the incident number first (a counter row, locked until the
/// commit, so concurrent declares queue and a rollback gives the number back), then everything else in one batch.
/// A declare costs three round trips: number, batch, commit. Conditional writes (incident version, calendar
/// revision, the completed item's lease) return a row when they hit; a miss rolls the whole change back.
/// </summary>
internal sealed class PostgresChangeStore(NpgsqlDataSource dataSource, TimeProvider clock) : IChangeStore
{
    private const string UniqueViolation = "23505";
    private const string ExternalIdIndex = "timeline_entries_external";

    private const string NextNumberSql = "UPDATE counters SET value = value + 1 WHERE name = 'incident_number' RETURNING value";

    private const string InsertEntrySql =
        "INSERT INTO timeline_entries (incident_id, external_id, occurred_at, body) VALUES (@incident_id, @external_id, @occurred_at, @body) " +
        "RETURNING id";

    private const string UpdateEntrySql =
        "UPDATE timeline_entries SET external_id = @external_id, occurred_at = @occurred_at, body = @body " +
        "WHERE id = @id AND incident_id = @incident_id RETURNING id";

    private const string InsertEditSql =
        "INSERT INTO timeline_edits (incident_id, entry_id, at, body) VALUES (@incident_id, @entry_id, @at, @body) RETURNING id";

    private const string EnqueueSql =
        "INSERT INTO work_items (" + WorkItemRows.InsertColumns + ") VALUES (" + WorkItemRows.InsertValues + ") RETURNING id";

    /// <summary>Timed work named again: a pending item of that name that is not running takes the new schedule.</summary>
    private const string RescheduleSql =
        "UPDATE work_items SET kind = @kind, key = @key, payload = @payload, incident_id = @incident_id, due_at = @due_at, trace_parent = @trace_parent, " +
        "lease_owner = NULL, lease_until = NULL " +
        "WHERE unique_key = @unique_key AND status = 0 AND (lease_until IS NULL OR lease_until < @now) RETURNING id";

    /// <summary>Otherwise the old item (running, or settled) gives up the name, and a new item takes it.</summary>
    private const string ReleaseNameSql =
        "UPDATE work_items SET unique_key = NULL " +
        "WHERE unique_key = @unique_key AND NOT (status = 0 AND (lease_until IS NULL OR lease_until < @now)) RETURNING id";

    private const string EnqueueNamedSql =
        "INSERT INTO work_items (" + WorkItemRows.InsertColumns + ") SELECT " + WorkItemRows.InsertValues +
        " WHERE NOT EXISTS (SELECT 1 FROM work_items WHERE unique_key = @unique_key) " +
        "ON CONFLICT (unique_key) DO UPDATE SET kind = excluded.kind, key = excluded.key, payload = excluded.payload, " +
        "incident_id = excluded.incident_id, due_at = excluded.due_at, trace_parent = excluded.trace_parent, lease_owner = NULL, lease_until = NULL " +
        "WHERE work_items.status = 0 AND (work_items.lease_until IS NULL OR work_items.lease_until < @now) RETURNING id";

    private const string CancelSql =
        "UPDATE work_items SET status = 3, completed_at = @now " +
        "WHERE unique_key = ANY(@unique_keys) AND status = 0 AND (lease_until IS NULL OR lease_until < @now) RETURNING id";

    private const string CompleteSql =
        "UPDATE work_items SET status = 1, result = @result, completed_at = @now, lease_owner = NULL, lease_until = NULL " +
        "WHERE id = @id AND status = 0 AND lease_owner = @owner RETURNING id";

    public async Task CommitAsync(StoreChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.IsEmpty)
        {
            return;
        }

        var now = PostgresTime.Now(clock);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            if (change.Declared is { } declared)
            {
                await using var next = new NpgsqlCommand(NextNumberSql, connection, transaction);
                var number = (long)(await next.ExecuteScalarAsync(cancellationToken)
                    ?? throw new InvalidOperationException("The incident number counter is missing (migration 1 not applied?)."));
                declared.AssignNumber(checked((int)number));
                declared.Version = 1;
            }

            var plan = new CommitPlan(change, now);
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                foreach (var step in plan.Steps)
                {
                    batch.BatchCommands.Add(step.Command);
                }

                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                for (var i = 0; i < plan.Steps.Count; i++)
                {
                    if (i > 0 && !await reader.NextResultAsync(cancellationToken))
                    {
                        throw new InvalidOperationException("A commit statement returned no result.");
                    }

                    var rows = new List<long>();
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        rows.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
                    }

                    plan.Steps[i].Rows = rows;
                }
            }

            if (plan.FindConflict() is { } conflict)
            {
                await transaction.RollbackAsync(cancellationToken);
                throw conflict;
            }

            await transaction.CommitAsync(cancellationToken);
            plan.Apply();
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation && e.ConstraintName == ExternalIdIndex)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw new StoreConflictException(StoreConflictKind.DuplicateCapture,
                "That message is already captured on the incident's timeline.");
        }
    }

    /// <summary>One statement of the batch, what a hit means, and what to do with its returned values after the commit.</summary>
    private sealed class Step(NpgsqlBatchCommand command)
    {
        public NpgsqlBatchCommand Command { get; } = command;
        public List<long> Rows { get; set; } = [];
        public StoreConflictException? ConflictWhenEmpty { get; init; }
        public Action<List<long>>? Apply { get; init; }
    }

    /// <summary>The statements of one change, in the order the port describes.</summary>
    private sealed class CommitPlan
    {
        private readonly List<Action> afterCommit = [];
        private readonly List<Func<StoreConflictException?>> checks = [];

        public List<Step> Steps { get; } = [];

        public CommitPlan(StoreChange change, DateTime now)
        {
            if (change.Declared is { } declared)
            {
                AddDeclared(declared);
            }

            foreach (var write in change.Incidents.OrderBy(w => w.Incident.Id))
            {
                AddIncident(write);
            }

            foreach (var entry in change.NewEntries)
            {
                AddEntry(entry);
            }

            foreach (var entry in change.ChangedEntries)
            {
                var command = Command(UpdateEntrySql);
                command.Parameters.AddBigint("id", entry.Id)
                    .AddBigint("incident_id", entry.IncidentId)
                    .AddText("external_id", entry.ExternalId)
                    .AddTime("occurred_at", entry.OccurredAt)
                    .AddJson("body", PostgresJson.Serialize(entry));
            }

            foreach (var edit in change.Edits)
            {
                if (edit.At == default)
                {
                    edit.At = now;
                }

                var command = Command(InsertEditSql, rows => edit.Id = rows[0]);
                command.Parameters.AddBigint("incident_id", edit.IncidentId)
                    .AddBigint("entry_id", edit.EntryId)
                    .AddTime("at", edit.At)
                    .AddJson("body", PostgresJson.Serialize(edit));
            }

            foreach (var person in change.People.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                foreach (var sql in PostgresPeopleStore.RememberSql)
                {
                    PostgresPeopleStore.AddParameters(Command(sql).Parameters, person, now);
                }
            }

            foreach (var item in change.Enqueued)
            {
                AddEnqueued(item, now);
            }

            if (change.Cancelled.Count > 0)
            {
                Command(CancelSql).Parameters.AddTextArray("unique_keys", change.Cancelled.Distinct(StringComparer.Ordinal)).AddTime("now", now);
            }

            if (change.Completes is { } completes)
            {
                Steps.Add(new Step(new NpgsqlBatchCommand(CompleteSql))
                {
                    ConflictWhenEmpty = new StoreConflictException(StoreConflictKind.LeaseLost,
                        $"The lease on work item {completes.Id} is no longer held by {completes.Owner}."),
                });
                Steps[^1].Command.Parameters.AddBigint("id", completes.Id)
                    .AddText("owner", completes.Owner)
                    .AddText("result", completes.Result)
                    .AddTime("now", now);
            }

            if (change.Calendar is { } calendar)
            {
                AddCalendar(calendar);
            }

            foreach (var document in change.Documents.OrderBy(d => d.IncidentId))
            {
                Command(PostgresReviewStore.UpsertDocumentSql).Parameters.AddBigint("incident_id", document.IncidentId)
                    .AddJson("body", PostgresJson.Serialize(document));
            }

            // Delivered to every replica's listener when, and only if, the transaction commits.
            if (IncidentChangeBroadcast.IncidentsOf(change).ToList() is { Count: > 0 } touched)
            {
                Command(PostgresChangeListener.NotifySql).Parameters.AddText("payload", PostgresChangeListener.Payload(touched));
            }
        }

        public StoreConflictException? FindConflict()
        {
            var conflict = Steps.FirstOrDefault(s => s.ConflictWhenEmpty is not null && s.Rows.Count == 0)?.ConflictWhenEmpty;
            return conflict ?? checks.Select(check => check()).FirstOrDefault(c => c is not null);
        }

        public void Apply()
        {
            foreach (var step in Steps.Where(s => s.Apply is not null && s.Rows.Count > 0))
            {
                step.Apply!(step.Rows);
            }

            foreach (var action in afterCommit)
            {
                action();
            }
        }

        private void AddDeclared(Incident declared)
        {
            var insert = new Step(new NpgsqlBatchCommand(IncidentDocuments.Insert))
            {
                ConflictWhenEmpty = new StoreConflictException(StoreConflictKind.IncidentVersion, $"{declared.Reference} could not be stored."),
            };
            IncidentDocuments.AddParameters(insert.Command.Parameters, declared);
            Steps.Add(insert);
        }

        private void AddIncident(IncidentWrite write)
        {
            var incident = write.Incident;
            var step = new Step(new NpgsqlBatchCommand(IncidentDocuments.Update))
            {
                ConflictWhenEmpty = new StoreConflictException(StoreConflictKind.IncidentVersion,
                    $"{incident.Reference} changed since version {write.ExpectedVersion} was read."),
                Apply = rows => incident.Version = checked((int)rows[0]),
            };
            IncidentDocuments.AddParameters(step.Command.Parameters, incident);
            step.Command.Parameters.AddInt("expected", write.ExpectedVersion);
            Steps.Add(step);
        }

        private void AddEntry(TimelineEntry entry)
        {
            var command = Command(InsertEntrySql, rows => entry.Id = rows[0]);
            command.Parameters.AddBigint("incident_id", entry.IncidentId)
                .AddText("external_id", entry.ExternalId)
                .AddTime("occurred_at", entry.OccurredAt)
                .AddJson("body", PostgresJson.Serialize(entry));
        }

        private void AddEnqueued(WorkItem item, DateTime now)
        {
            if (item.UniqueKey is null)
            {
                WorkItemRows.AddParameters(Command(EnqueueSql, rows => item.Id = rows[0]).Parameters, item, now);
                return;
            }

            var reschedule = Command(RescheduleSql);
            WorkItemRows.AddParameters(reschedule.Parameters, item, now);
            reschedule.Parameters.AddTime("now", now);
            var rescheduled = Steps[^1];

            Command(ReleaseNameSql).Parameters.AddText("unique_key", item.UniqueKey).AddTime("now", now);

            var insert = Command(EnqueueNamedSql);
            WorkItemRows.AddParameters(insert.Parameters, item, now);
            insert.Parameters.AddTime("now", now);
            var inserted = Steps[^1];

            checks.Add(() => rescheduled.Rows.Count > 0 || inserted.Rows.Count > 0
                ? null
                : new StoreConflictException(StoreConflictKind.IncidentVersion,
                    $"Timed work '{item.UniqueKey}' started running while it was being rescheduled; run the request again."));
            afterCommit.Add(() => item.Id = rescheduled.Rows.Count > 0 ? rescheduled.Rows[0] : inserted.Rows[0]);
        }

        private void AddCalendar(CalendarWrite calendar)
        {
            Steps.Add(new Step(new NpgsqlBatchCommand(PostgresReviewStore.UpdateCalendarSql))
            {
                ConflictWhenEmpty = new StoreConflictException(StoreConflictKind.CalendarRevision,
                    $"The review calendar changed since revision {calendar.ExpectedRevision} was read."),
            });
            Steps[^1].Command.Parameters.AddBigint("expected", calendar.ExpectedRevision)
                .AddTime("freeze_checked_up_to", calendar.FreezeCheckedUpTo);

            foreach (var session in calendar.Sessions.OrderBy(s => s.StartUtc))
            {
                Command(PostgresReviewStore.UpsertSessionSql).Parameters.AddTime("start_utc", session.StartUtc)
                    .AddJson("body", PostgresJson.Serialize(session));
            }
        }

        private NpgsqlBatchCommand Command(string sql, Action<List<long>>? apply = null)
        {
            var step = new Step(new NpgsqlBatchCommand(sql)) { Apply = apply };
            Steps.Add(step);
            return step.Command;
        }
    }
}
