using System.Globalization;

namespace IncidentBot.Core.Reviews;

/// <summary>
/// The review-booking rules as pure functions over a list of <see cref="SessionPlan"/>s (the caller loads and
/// saves them), the <see cref="ReviewRules"/> and "now". Sessions that do not exist yet are generated from the
/// meeting schedule and appended to the list only when something is written to them.
/// </summary>
/// <remarks>
/// Open session: not cancelled and not frozen (frozen when now &gt;= start - AgendaFreeze). A session has room when
/// it is not a batch and holds fewer than its capacity (SessionCapacity + ExtraCapacity). An incident can join a
/// session as a batch when every incident booked there shares one service or tag with it and the session holds
/// fewer than max(capacity, MaxBatchSize + ExtraCapacity).
/// </remarks>
public static class ReviewPlanner
{
    /// <summary>How far back <see cref="FreezeDue"/> generates sessions nobody booked, when the last check is older.</summary>
    public static readonly TimeSpan FreezeDueLookBack = TimeSpan.FromDays(56);

    public static bool IsFrozen(SessionPlan s, ReviewRules rules, DateTime nowUtc) =>
        ZoneMath.Utc(nowUtc) >= FreezeInstant(s, rules);

    /// <summary>The instant the session's agenda is fixed: start - AgendaFreeze.</summary>
    public static DateTime FreezeInstant(SessionPlan s, ReviewRules rules) => s.StartUtc - rules.AgendaFreeze;

    public static int CapacityOf(SessionPlan s, ReviewRules rules) => rules.SessionCapacity + s.ExtraCapacity;

    /// <summary>The most incidents a batch session may hold: max(capacity, MaxBatchSize + ExtraCapacity).</summary>
    public static int BatchLimitOf(SessionPlan s, ReviewRules rules) =>
        Math.Max(CapacityOf(s, rules), rules.MaxBatchSize + s.ExtraCapacity);

    /// <summary>Room for an incident that is not related to what is booked: not a batch and under capacity.</summary>
    public static bool HasRoom(SessionPlan s, ReviewRules rules) => !s.IsBatch && s.Bookings.Count < CapacityOf(s, rules);

    /// <summary>
    /// The incident is related to every incident booked in the session (they share a service or tag) and the
    /// batch is under its limit. Freeze and cancellation are not looked at here.
    /// </summary>
    public static bool CanJoinAsBatch(SessionPlan s, ReviewCandidate incident, ReviewRules rules) =>
        s.Bookings.Count > 0
        && s.Bookings.Count < BatchLimitOf(s, rules)
        && s.BatchKeys.Overlaps(incident.RelationKeys);

    /// <summary>The (non-cancelled) session the incident is booked in, if any.</summary>
    public static SessionPlan? SessionOf(IList<SessionPlan> sessions, long incidentId) =>
        sessions.Where(s => !s.Cancelled).OrderBy(s => s.StartUtc).FirstOrDefault(s => s.SlotOf(incidentId) is not null);

    /// <summary>
    /// Book a resolved incident into the earliest open session: joining a batch of related incidents when one
    /// can take it (the earliest such session wins, even over an earlier session with a free slot), otherwise
    /// the earliest session with room. New sessions are appended to <paramref name="sessions"/>.
    /// Severity below the line is booked only with <paramref name="force"/>; cancelled and duplicate incidents never.
    /// </summary>
    public static BookingResult Book(
        IList<SessionPlan> sessions, ReviewCandidate incident, ReviewRules rules, DateTime nowUtc, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(incident);
        rules.Validate();
        var now = ZoneMath.Utc(nowUtc);

        if (incident.IsCancelledOrDuplicate)
        {
            return Refused(BookingOutcome.NotReviewable, incident,
                $"{incident.Reference} was cancelled or marked a duplicate; it gets no review.");
        }

        if (SessionOf(sessions, incident.IncidentId) is { } booked)
        {
            return new BookingResult(BookingOutcome.AlreadyBooked, booked.StartUtc, booked.SlotOf(incident.IncidentId),
                JoinedBatch: false, BacklogWarning: false,
                $"{incident.Reference} is already booked for the review on {When(booked, rules)}.")
            { IncidentId = incident.IncidentId };
        }

        if (!force && !rules.MeetsSeverityLine(incident.Severity))
        {
            var why = rules.RankOf(incident.Severity) < 0
                ? $"{incident.Reference} has severity '{incident.Severity}', which is not one of {string.Join(", ", rules.Severities)}"
                : $"{incident.Reference} is {incident.Severity}, below the review line ({rules.MinimumSeverity})";
            return Refused(BookingOutcome.BelowSeverityLine, incident, why + "; ask for a review to book it anyway.");
        }

        return Place(sessions, incident, rules, now, after: null);
    }

    /// <summary>
    /// A facilitator moves a booked incident to the session held on <paramref name="sessionLocalDate"/> (the
    /// meeting's local date). The target must be a session date, not cancelled, not frozen, and have room (an
    /// extension adds room), or hold incidents all related to this one (batch). With <paramref name="extend"/>, a
    /// full target is extended by one slot as part of the move ("move and extend").
    /// </summary>
    /// <exception cref="ReviewRuleException">Unknown booking, not a session date, cancelled, frozen or full.</exception>
    public static BookingResult Move(
        IList<SessionPlan> sessions, long incidentId, DateOnly sessionLocalDate, ReviewRules rules, DateTime nowUtc,
        bool extend = false)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        rules.Validate();
        var now = ZoneMath.Utc(nowUtc);

        var source = SessionOf(sessions, incidentId)
            ?? throw new ReviewRuleException($"Incident {incidentId} has no review booked, so there is nothing to move; book it first.");
        var incident = source.Bookings[source.SlotOf(incidentId)!.Value - 1];
        if (source.StartUtc <= now)
        {
            throw new ReviewRuleException(
                $"{incident.Reference} was on the agenda of the session on {Date(source, rules)}, which has already started.");
        }

        if (incident.IsCancelledOrDuplicate)
        {
            throw new ReviewRuleException($"{incident.Reference} was cancelled or marked a duplicate; it gets no review.");
        }

        var target = SessionOn(sessions, sessionLocalDate, rules);
        if (ReferenceEquals(target, source))
        {
            return new BookingResult(BookingOutcome.AlreadyBooked, source.StartUtc, source.SlotOf(incidentId),
                JoinedBatch: false, BacklogWarning: false,
                $"{incident.Reference} is already booked for the review on {When(source, rules)}.")
            { IncidentId = incidentId };
        }

        EnsureWritable(target, sessionLocalDate, rules, now);

        var joinsBatch = CanJoinAsBatch(target, incident, rules);
        if (!joinsBatch && target.IsBatch)
        {
            throw new ReviewRuleException(
                $"The session on {Day(sessionLocalDate)} holds a batch of related incidents ({Describe(target.BatchKeys)}); {incident.Reference} is not related to them.");
        }

        if (!joinsBatch && target.Bookings.Count >= CapacityOf(target, rules) && extend)
        {
            target.ExtraCapacity += target.Bookings.Count + 1 - CapacityOf(target, rules);
        }

        if (!joinsBatch && target.Bookings.Count >= CapacityOf(target, rules))
        {
            throw new ReviewRuleException(
                $"The session on {Day(sessionLocalDate)} is full ({target.Bookings.Count} of {CapacityOf(target, rules)}); extend it to make room for one more.");
        }

        source.Bookings.RemoveAll(b => b.IncidentId == incidentId);
        return Put(sessions, target, incident, joinsBatch, rules, now);
    }

    /// <summary>
    /// Cancel the session held on <paramref name="sessionLocalDate"/> and rebook its incidents, in their slot
    /// order, by the usual rules into the open sessions after it. Returns one result per rebooked incident
    /// (cancelled or duplicate ones are dropped as <see cref="BookingOutcome.NotReviewable"/>).
    /// </summary>
    /// <exception cref="ReviewRuleException">Not a session date, already cancelled, or already started.</exception>
    public static IReadOnlyList<BookingResult> Skip(
        IList<SessionPlan> sessions, DateOnly sessionLocalDate, ReviewRules rules, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        rules.Validate();
        var now = ZoneMath.Utc(nowUtc);

        var target = SessionOn(sessions, sessionLocalDate, rules);
        if (target.Cancelled)
        {
            throw new ReviewRuleException($"The session on {Day(sessionLocalDate)} is already cancelled.");
        }

        if (target.StartUtc <= now)
        {
            throw new ReviewRuleException($"The session on {Day(sessionLocalDate)} has already started; it cannot be skipped.");
        }

        if (!sessions.Contains(target))
        {
            sessions.Add(target);
        }

        target.Cancelled = true;
        var moving = target.Bookings.ToList();
        target.Bookings.Clear();

        var results = new List<BookingResult>(moving.Count);
        foreach (var incident in moving)
        {
            results.Add(incident.IsCancelledOrDuplicate
                ? Refused(BookingOutcome.NotReviewable, incident,
                    $"{incident.Reference} was cancelled or marked a duplicate; it is dropped from the agenda.")
                : Place(sessions, incident, rules, now, after: target.StartUtc));
        }

        return results;
    }

    /// <summary>Give the session held on <paramref name="sessionLocalDate"/> one more slot (that session only).</summary>
    /// <exception cref="ReviewRuleException">Not a session date, cancelled, started or frozen.</exception>
    public static void Extend(IList<SessionPlan> sessions, DateOnly sessionLocalDate, ReviewRules rules, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        rules.Validate();
        var now = ZoneMath.Utc(nowUtc);

        var target = SessionOn(sessions, sessionLocalDate, rules);
        EnsureWritable(target, sessionLocalDate, rules, now);
        if (!sessions.Contains(target))
        {
            sessions.Add(target);
        }

        target.ExtraCapacity++;
    }

    /// <summary>Remove the incident from whatever session holds it; false when it was not booked.</summary>
    public static bool Unbook(IList<SessionPlan> sessions, long incidentId)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var removed = false;
        foreach (var session in sessions)
        {
            removed |= session.Bookings.RemoveAll(b => b.IncidentId == incidentId) > 0;
        }

        return removed;
    }

    /// <summary>
    /// Sessions whose freeze instant (start - AgendaFreeze) lies in (<paramref name="lastCheckUtc"/>, <paramref name="nowUtc"/>],
    /// in start order, to announce: with its agenda, or — nothing booked — marked <see cref="SessionPlan.Cancelled"/>
    /// and reported as cancelled for being empty. Sessions nobody ever booked are generated (and appended, cancelled)
    /// so their cancellation can be announced too, looking back at most <see cref="FreezeDueLookBack"/>.
    /// Sessions already cancelled (skipped) are not reported again.
    /// </summary>
    public static IReadOnlyList<(SessionPlan Session, bool CancelledForBeingEmpty)> FreezeDue(
        IList<SessionPlan> sessions, ReviewRules rules, DateTime lastCheckUtc, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        rules.Validate();
        var now = ZoneMath.Utc(nowUtc);
        var lastCheck = ZoneMath.Utc(lastCheckUtc);
        if (now <= lastCheck)
        {
            return [];
        }

        bool InWindow(DateTime start) => start - rules.AgendaFreeze > lastCheck && start - rules.AgendaFreeze <= now;

        var due = sessions.Where(s => InWindow(s.StartUtc)).ToList();
        var generatedFrom = (lastCheck > now - FreezeDueLookBack ? lastCheck : now - FreezeDueLookBack) + rules.AgendaFreeze;
        foreach (var start in rules.Meeting.StartsFrom(generatedFrom).TakeWhile(s => s - rules.AgendaFreeze <= now))
        {
            if (InWindow(start) && !sessions.Any(s => s.StartUtc == start))
            {
                var generated = new SessionPlan(start);
                sessions.Add(generated);
                due.Add(generated);
            }
        }

        var result = new List<(SessionPlan, bool)>();
        foreach (var session in due.Where(s => !s.Cancelled).OrderBy(s => s.StartUtc))
        {
            var empty = session.Bookings.Count == 0;
            if (empty)
            {
                session.Cancelled = true;
            }

            result.Add((session, empty));
        }

        return result;
    }

    private static BookingResult Place(
        IList<SessionPlan> sessions, ReviewCandidate incident, ReviewRules rules, DateTime now, DateTime? after)
    {
        var batch = sessions
            .Where(s => IsOpen(s, rules, now, after) && CanJoinAsBatch(s, incident, rules))
            .OrderBy(s => s.StartUtc)
            .FirstOrDefault();
        if (batch is not null)
        {
            return Put(sessions, batch, incident, joinedBatch: true, rules, now);
        }

        var target = Upcoming(sessions, rules, now, after).First(s => HasRoom(s, rules));
        return Put(sessions, target, incident, joinedBatch: false, rules, now);
    }

    private static BookingResult Put(
        IList<SessionPlan> sessions, SessionPlan target, ReviewCandidate incident, bool joinedBatch, ReviewRules rules, DateTime now)
    {
        if (!sessions.Contains(target))
        {
            sessions.Add(target);
        }

        target.Bookings.Add(incident);
        var slot = target.Bookings.Count;
        var warning = Backlogged(sessions, rules, now);

        var reason = $"{incident.Reference} is booked for the review on {When(target, rules)}, slot {slot}.";
        if (joinedBatch)
        {
            reason += $" It is reviewed together with related incidents ({Describe(target.BatchKeys)}).";
        }

        if (warning)
        {
            reason += $" Backlog: the next {rules.BacklogWarnSessions} sessions are full.";
        }

        return new BookingResult(BookingOutcome.Booked, target.StartUtc, slot, joinedBatch, warning, reason)
        {
            IncidentId = incident.IncidentId,
        };
    }

    private static bool Backlogged(IList<SessionPlan> sessions, ReviewRules rules, DateTime now) =>
        rules.BacklogWarnSessions > 0
        && Upcoming(sessions, rules, now, after: null).Take(rules.BacklogWarnSessions).All(s => !HasRoom(s, rules));

    private static bool IsOpen(SessionPlan s, ReviewRules rules, DateTime now, DateTime? after) =>
        !s.Cancelled && !IsFrozen(s, rules, now) && (after is null || s.StartUtc > after);

    /// <summary>Open sessions in start order, endless: the stored ones merged with ones generated from the schedule (not yet added).</summary>
    private static IEnumerable<SessionPlan> Upcoming(IList<SessionPlan> sessions, ReviewRules rules, DateTime now, DateTime? after)
    {
        var from = after is { } a && a > now ? a : now;
        var stored = sessions.Where(s => s.StartUtc >= from).OrderBy(s => s.StartUtc).ToList();
        using var generated = rules.Meeting.StartsFrom(from).GetEnumerator();
        var hasGenerated = generated.MoveNext();
        var i = 0;
        while (i < stored.Count || hasGenerated)
        {
            SessionPlan next;
            if (i < stored.Count && (!hasGenerated || stored[i].StartUtc <= generated.Current))
            {
                next = stored[i++];
                if (hasGenerated && next.StartUtc == generated.Current)
                {
                    hasGenerated = generated.MoveNext();
                }
            }
            else
            {
                next = new SessionPlan(generated.Current);
                hasGenerated = generated.MoveNext();
            }

            if (IsOpen(next, rules, now, after))
            {
                yield return next;
            }
        }
    }

    /// <summary>The stored session on that local date, or a new (not yet added) one from the schedule.</summary>
    private static SessionPlan SessionOn(IList<SessionPlan> sessions, DateOnly localDate, ReviewRules rules)
    {
        var start = rules.Meeting.StartOn(localDate);
        var stored = sessions
            .Where(s => s.StartUtc == start)
            .Concat(sessions.Where(s => rules.Meeting.LocalDate(s.StartUtc) == localDate).OrderBy(s => s.StartUtc))
            .OrderBy(s => s.Cancelled)
            .FirstOrDefault();
        if (stored is not null)
        {
            return stored;
        }

        return start is { } value
            ? new SessionPlan(value)
            : throw new ReviewRuleException(
                $"There is no review session on {Day(localDate)} ({localDate.DayOfWeek}); reviews are held on {rules.Meeting.Describe()}.");
    }

    private static void EnsureWritable(SessionPlan target, DateOnly localDate, ReviewRules rules, DateTime now)
    {
        if (target.Cancelled)
        {
            throw new ReviewRuleException($"The session on {Day(localDate)} is cancelled.");
        }

        if (target.StartUtc <= now)
        {
            throw new ReviewRuleException($"The session on {Day(localDate)} has already started.");
        }

        if (IsFrozen(target, rules, now))
        {
            throw new ReviewRuleException(
                $"The session on {Day(localDate)} is frozen (agenda fixed {rules.AgendaFreeze.TotalHours.ToString("0.##", CultureInfo.InvariantCulture)} h ahead).");
        }
    }

    private static BookingResult Refused(BookingOutcome outcome, ReviewCandidate incident, string reason) =>
        new(outcome, null, null, JoinedBatch: false, BacklogWarning: false, reason) { IncidentId = incident.IncidentId };

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Date(SessionPlan s, ReviewRules rules) => Day(rules.Meeting.LocalDate(s.StartUtc));

    private static string When(SessionPlan s, ReviewRules rules) =>
        rules.Meeting.LocalStart(s.StartUtc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + rules.Meeting.Zone.Id;

    private static string Describe(IEnumerable<string> keys) =>
        string.Join(", ", keys.Order(StringComparer.Ordinal).Select(k => k.Replace(":", " ", StringComparison.Ordinal)));
}
