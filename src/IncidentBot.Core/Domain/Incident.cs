using IncidentBot.Core.Input;

namespace IncidentBot.Core.Domain;

/// <summary>
/// The incident and its rules. Every method that changes state appends the timeline entry that records
/// it (who, when, what, before → after), so no caller can forget to.
/// </summary>
public sealed class Incident
{
    public static int MaxTitleLength => InputLimits.For(InputField.Title).MaxLength;

    public static int MaxTextLength => InputLimits.For(InputField.Text).MaxLength;

    public long Id { get; set; }
    public int Number { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public string? Service { get; set; }
    public required string Severity { get; set; }
    public IncidentStatus Status { get; set; }
    public bool IsPrivate { get; set; }

    public required string DeclaredBy { get; set; }
    public required string Platform { get; set; }
    public string? TenantId { get; set; }

    public DateTime DeclaredAt { get; set; }
    public DateTime? ImpactStartedAt { get; set; }
    public DateTime? IdentifiedAt { get; set; }
    public DateTime? MitigatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public DateTime? ClosedAt { get; set; }

    public string? Summary { get; set; }
    public string? CancelReason { get; set; }
    public int? DuplicateOfNumber { get; set; }

    /// <summary>
    /// The stored document's version, kept by the store: every write of the document names the version it read, so
    /// two changes at once cannot both win silently. Timeline appends do not write the document and never conflict.
    /// </summary>
    public int Version { get; set; }

    public List<TimelineEntry> Timeline { get; set; } = [];
    public List<RoleAssignment> Roles { get; set; } = [];
    public List<IncidentMember> Members { get; set; } = [];
    public List<ActionItem> ActionItems { get; set; } = [];
    public List<IncidentChannel> Channels { get; set; } = [];

    /// <summary>Key-moment marks on timeline entries, oldest first (every mark is kept).</summary>
    public List<KeyMomentMark> KeyMoments { get; set; } = [];

    /// <summary>Every edit of the review doc's written sections, oldest first; a section's text is its last edit.</summary>
    public List<ReviewSectionEdit> ReviewSections { get; set; } = [];

    /// <summary>Every resolve, oldest first; <see cref="Summary"/> is the latest summary given.</summary>
    public List<ResolutionRecord> Resolutions { get; set; } = [];

    /// <summary>What the review meeting noted and decided, oldest first.</summary>
    public List<ReviewNote> ReviewNotes { get; set; } = [];

    public string Reference => $"INC-{Number}";

    public bool IsOpen => !Status.IsClosed();

    public static Incident Declare(int number, string title, string severity, Actor by, DateTime now,
        string? description = null, string? service = null, bool isPrivate = false, long id = 0)
    {
        title = InputLimits.Apply(InputField.Title, title) ?? string.Empty;
        if (title.Length == 0)
        {
            throw new IncidentRuleException("An incident needs a title.");
        }

        var incident = new Incident
        {
            Id = id,
            Number = number,
            Title = title,
            Description = Blank(InputLimits.Apply(InputField.Summary, description)),
            Service = Blank(InputLimits.Apply(InputField.Service, service)),
            Severity = severity,
            Status = IncidentStatus.Investigating,
            IsPrivate = isPrivate,
            DeclaredBy = by.PersonKey,
            Platform = by.Platform,
            TenantId = by.TenantId,
            DeclaredAt = now,
        };
        incident.AddMember(by.PersonKey, MembershipSource.Declarer, now);
        incident.Record(TimelineKind.Declared, by, now, $"Declared {severity}: {title}", after: IncidentStatus.Investigating.ToWord());
        return incident;
    }

    /// <summary>
    /// Called by the store inside the declaring transaction: the incident gets the next number, and its first
    /// entry says it.
    /// </summary>
    public void AssignNumber(int number)
    {
        Number = number;
        if (Timeline.FirstOrDefault(e => e.Kind == TimelineKind.Declared) is { } declared)
        {
            declared.Text = $"{Reference} declared ({Severity}): {Title}";
        }
    }

    public TimelineEntry ChangeStatus(IncidentStatus to, Actor by, DateTime now, string? message = null)
    {
        if (to is IncidentStatus.Cancelled or IncidentStatus.Duplicate)
        {
            throw new IncidentRuleException($"Use cancel or duplicate to mark {Reference} {to.ToWord()}.");
        }

        EnsureOpen("change its status");
        if (to == IncidentStatus.Resolved)
        {
            return Resolve(by, now, message);
        }

        if (Status == to)
        {
            throw new IncidentRuleException($"{Reference} is already {to.ToWord()}.");
        }

        var before = Status;
        Status = to;
        if (to >= IncidentStatus.Identified)
        {
            IdentifiedAt ??= now;
        }

        if (to >= IncidentStatus.Monitoring)
        {
            MitigatedAt ??= now;
        }

        message = Blank(InputLimits.Apply(InputField.Text, message));
        var text = $"Status {before.ToWord()} → {to.ToWord()}" + (message is null ? string.Empty : $": {message}");
        return Record(TimelineKind.StatusChanged, by, now, text, before.ToWord(), to.ToWord());
    }

    public TimelineEntry Resolve(Actor by, DateTime now, string? summary)
    {
        EnsureOpen("resolve it");
        summary = Blank(InputLimits.Apply(InputField.Summary, summary));
        var before = Status;
        Status = IncidentStatus.Resolved;
        IdentifiedAt ??= now;
        MitigatedAt ??= now;
        ResolvedAt = now;
        ClosedAt = now;
        if (summary is not null)
        {
            Summary = summary;
        }

        Resolutions.Add(new ResolutionRecord { At = now, ByKey = by.PersonKey, Summary = summary });
        return Record(TimelineKind.Resolved, by, now, Summary is null ? "Resolved" : $"Resolved: {Summary}", before.ToWord(), Status.ToWord());
    }

    public TimelineEntry Cancel(Actor by, DateTime now, string reason)
    {
        EnsureOpen("cancel it");
        var why = Blank(InputLimits.Apply(InputField.Reason, reason))
            ?? throw new IncidentRuleException("Say why the incident is cancelled (for example: false alarm, monitor flapped).");
        var before = Status;
        Status = IncidentStatus.Cancelled;
        CancelReason = why;
        ClosedAt = now;
        return Record(TimelineKind.Cancelled, by, now, $"Cancelled: {CancelReason}", before.ToWord(), Status.ToWord());
    }

    /// <summary>Marks this incident a duplicate of <paramref name="target"/> and copies its timeline there.</summary>
    public IReadOnlyList<TimelineEntry> MarkDuplicateOf(Incident target, Actor by, DateTime now)
    {
        EnsureOpen("mark it a duplicate");
        if (target.Id == Id || target.Number == Number)
        {
            throw new IncidentRuleException("An incident cannot be a duplicate of itself.");
        }

        if (target.Status == IncidentStatus.Duplicate)
        {
            throw new IncidentRuleException($"{target.Reference} is itself a duplicate of INC-{target.DuplicateOfNumber}; mark this one a duplicate of that.");
        }

        if (IsPrivate && !target.IsPrivate)
        {
            throw new IncidentRuleException($"{Reference} is private and {target.Reference} is not: its timeline would become visible to everyone.");
        }

        var copied = new List<TimelineEntry>();
        var knownExternal = target.Timeline.Where(e => e.ExternalId != null).Select(e => e.ExternalId).ToHashSet();
        foreach (var entry in Timeline.Where(e => e.MergedFromNumber == null).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id))
        {
            if (entry.ExternalId != null && !knownExternal.Add(entry.ExternalId))
            {
                continue; // the same message was captured in both: keep one.
            }

            var copy = new TimelineEntry
            {
                IncidentId = target.Id,
                Kind = entry.Kind,
                OccurredAt = entry.OccurredAt,
                RecordedAt = now,
                AuthorKey = entry.AuthorKey,
                Text = entry.Text,
                Before = entry.Before,
                After = entry.After,
                ExternalId = entry.ExternalId,
                Link = entry.Link,
                Hidden = entry.Hidden,
                MergedFromNumber = Number,
                TenantId = entry.TenantId,
            };
            target.Timeline.Add(copy);
            copied.Add(copy);
        }

        var before = Status;
        Status = IncidentStatus.Duplicate;
        DuplicateOfNumber = target.Number;
        ClosedAt = now;
        target.Record(TimelineKind.DuplicateMerged, by, now, $"{Reference} ({Title}) marked a duplicate of this incident; its timeline joined this one");
        copied.Add(Record(TimelineKind.MarkedDuplicate, by, now, $"Duplicate of {target.Reference}", before.ToWord(), Status.ToWord()));
        return copied;
    }

    public TimelineEntry Reopen(Actor by, DateTime now)
    {
        if (IsOpen)
        {
            throw new IncidentRuleException($"{Reference} is open ({Status.ToWord()}); only resolved, cancelled or duplicate incidents can be reopened.");
        }

        var before = Status;
        Status = IncidentStatus.Investigating;
        ResolvedAt = null;
        ClosedAt = null;
        DuplicateOfNumber = null;
        CancelReason = null;
        return Record(TimelineKind.Reopened, by, now, "Reopened", before.ToWord(), Status.ToWord());
    }

    public TimelineEntry ChangeSeverity(string severity, Actor by, DateTime now)
    {
        EnsureOpen("change its severity");
        if (string.Equals(Severity, severity, StringComparison.OrdinalIgnoreCase))
        {
            throw new IncidentRuleException($"{Reference} is already {Severity}.");
        }

        var before = Severity;
        Severity = severity;
        return Record(TimelineKind.SeverityChanged, by, now, $"Severity {before} → {severity}", before, severity);
    }

    public TimelineEntry SetImpactStarted(DateTime at, Actor by, DateTime now, TimeSpan maxLead)
    {
        if (at > now)
        {
            throw new IncidentRuleException("Impact cannot start in the future.");
        }

        if (DeclaredAt - at > maxLead)
        {
            throw new IncidentRuleException(
                $"Impact starting {at:yyyy-MM-dd HH:mm} UTC would be {Math.Floor((DeclaredAt - at).TotalDays):0} days before {Reference} was declared " +
                $"({DeclaredAt:yyyy-MM-dd HH:mm} UTC); at most {FormatLead(maxLead)} before is accepted (Incidents:MaxImpactLead). Check the date.");
        }

        var before = ImpactStartedAt;
        ImpactStartedAt = at;
        return Record(TimelineKind.ImpactStartedSet, by, now, $"Impact started at {at:yyyy-MM-dd HH:mm} UTC",
            before?.ToString("O"), at.ToString("O"));
    }

    /// <summary>Gives <paramref name="role"/> to a person; the previous holder, if any, hands it over.</summary>
    public TimelineEntry AssignRole(string role, string personKey, Actor by, DateTime now)
    {
        EnsureOpen("assign roles");
        var current = CurrentHolder(role);
        if (current?.PersonKey == personKey)
        {
            throw new IncidentRuleException($"They already hold the {role} role on {Reference}.");
        }

        if (current != null)
        {
            current.RelievedAt = now;
        }

        Roles.Add(new RoleAssignment
        {
            Id = Roles.Count + 1,
            IncidentId = Id,
            Role = role,
            PersonKey = personKey,
            AssignedBy = by.PersonKey,
            AssignedAt = now,
            TenantId = by.TenantId,
        });
        AddMember(personKey, MembershipSource.RoleHolder, now);
        var text = current is null ? $"{role} assigned" : $"{role} handed over";
        return Record(TimelineKind.RoleAssigned, by, now, text, current?.PersonKey, personKey);
    }

    public RoleAssignment? CurrentHolder(string role) =>
        Roles.LastOrDefault(r => r.RelievedAt == null && string.Equals(r.Role, role, StringComparison.OrdinalIgnoreCase));

    public TimelineEntry PostUpdate(string text, Actor by, DateTime now) =>
        Record(TimelineKind.Update, by, now, RequireText(text, "update"));

    public TimelineEntry AddNote(string text, Actor by, DateTime now) =>
        Record(TimelineKind.Note, by, now, RequireText(text, "note"));

    public (ActionItem Item, TimelineEntry Entry) AddActionItem(string text, string? ownerKey, Actor by, DateTime now)
    {
        var item = new ActionItem
        {
            Id = ActionItems.Count == 0 ? 1 : ActionItems.Max(a => a.Id) + 1,
            IncidentId = Id,
            Text = RequireText(text, "action item"),
            OwnerKey = ownerKey,
            CreatedBy = by.PersonKey,
            CreatedAt = now,
            TenantId = by.TenantId,
        };
        ActionItems.Add(item);
        var entry = Record(TimelineKind.ActionItemAdded, by, now, $"Action item: {item.Text}", after: ownerKey);
        return (item, entry);
    }

    public ActionItem FindActionItem(long id) =>
        ActionItems.Find(a => a.Id == id) ?? throw new IncidentRuleException(
            ActionItems.Count == 0 ? $"{Reference} has no follow-ups." : $"{Reference} has no follow-up #{id} (it has #1 to #{ActionItems.Max(a => a.Id)}).");

    /// <summary>Marks a follow-up done or won't do (<paramref name="reason"/> required for won't do).</summary>
    public TimelineEntry CloseActionItem(long id, ActionItemStatus to, string? reason, Actor by, DateTime now)
    {
        var item = FindActionItem(id);
        if (to == ActionItemStatus.Open)
        {
            throw new IncidentRuleException("Use reopen to open a follow-up again.");
        }

        if (item.Status == to)
        {
            throw new IncidentRuleException($"Follow-up #{id} is already {to.ToWord()}.");
        }

        if (to == ActionItemStatus.WontDo)
        {
            reason = RequireText(reason ?? string.Empty, "reason");
        }

        var before = item.Status;
        item.Status = to;
        item.ClosedAt = now;
        item.ClosedBy = by.PersonKey;
        item.Reason = to == ActionItemStatus.WontDo ? reason : null;
        var text = to == ActionItemStatus.Done ? $"Follow-up #{id} done: {item.Text}" : $"Follow-up #{id} won't be done ({reason}): {item.Text}";
        return Record(TimelineKind.ActionItemChanged, by, now, text, before.ToWord(), to.ToWord());
    }

    public TimelineEntry ReopenActionItem(long id, Actor by, DateTime now)
    {
        var item = FindActionItem(id);
        if (item.Status == ActionItemStatus.Open)
        {
            throw new IncidentRuleException($"Follow-up #{id} is open already.");
        }

        var before = item.Status;
        item.Status = ActionItemStatus.Open;
        item.ClosedAt = null;
        item.ClosedBy = null;
        item.Reason = null;
        return Record(TimelineKind.ActionItemChanged, by, now, $"Follow-up #{id} reopened: {item.Text}", before.ToWord(), ActionItemStatus.Open.ToWord());
    }

    /// <summary>Sets (or with null clears) the day a follow-up is due.</summary>
    public TimelineEntry SetActionItemDue(long id, DateOnly? dueOn, Actor by, DateTime now)
    {
        var item = FindActionItem(id);
        if (item.DueOn == dueOn)
        {
            throw new IncidentRuleException(dueOn is null ? $"Follow-up #{id} has no due date." : $"Follow-up #{id} is due {Day(dueOn)} already.");
        }

        var before = item.DueOn;
        item.DueOn = dueOn;
        var text = dueOn is null ? $"Follow-up #{id} has no due date now: {item.Text}" : $"Follow-up #{id} due {Day(dueOn)}: {item.Text}";
        return Record(TimelineKind.ActionItemChanged, by, now, text, Day(before), Day(dueOn));
    }

    /// <summary>Links a follow-up to where it is tracked (an http or https address).</summary>
    public TimelineEntry LinkActionItem(long id, string link, Actor by, DateTime now)
    {
        var item = FindActionItem(id);
        link = link.Trim();
        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || link.Length > InputLimits.For(InputField.Text).MaxLength)
        {
            throw new IncidentRuleException($"'{link}' isn't an http or https link.");
        }

        var before = item.Link;
        item.Link = link;
        return Record(TimelineKind.ActionItemChanged, by, now, $"Follow-up #{id} tracked at {link}: {item.Text}", before, link);
    }

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Changes of status and severity (and the declare, resolve, cancel, reopen, impact start, duplicate) are key
    /// moments unless someone unmarks them; anything else is one once someone marks it.
    /// </summary>
    public static bool IsKeyByDefault(TimelineKind kind) => kind is TimelineKind.Declared or TimelineKind.StatusChanged
        or TimelineKind.SeverityChanged or TimelineKind.Resolved or TimelineKind.Cancelled or TimelineKind.Reopened
        or TimelineKind.ImpactStartedSet or TimelineKind.MarkedDuplicate or TimelineKind.DuplicateMerged;

    public bool IsKeyMoment(TimelineEntry entry) =>
        KeyMoments.LastOrDefault(m => m.EntryId == entry.Id) is { } mark ? mark.Key : IsKeyByDefault(entry.Kind);

    /// <summary>Marks the entry a key moment, or unmarks it; returns whether it is one now.</summary>
    public bool MarkKeyMoment(TimelineEntry entry, bool? key, Actor by, DateTime now)
    {
        var becomes = key ?? !IsKeyMoment(entry);
        if (becomes == IsKeyMoment(entry))
        {
            throw new IncidentRuleException(becomes ? "That entry is already a key moment." : "That entry is not a key moment.");
        }

        KeyMoments.Add(new KeyMomentMark { EntryId = entry.Id, Key = becomes, ByKey = by.PersonKey, At = now });
        return becomes;
    }

    /// <summary>What is written in each review-doc section now, by section name.</summary>
    public IReadOnlyDictionary<string, string> ReviewSectionTexts()
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var edit in ReviewSections)
        {
            texts[edit.Section] = edit.Text;
        }

        return texts;
    }

    /// <summary>
    /// Writes a review-doc section (replacing its text, or appending a paragraph). Not a timeline entry: the doc is about
    /// the incident, not part of it; the edit itself records who wrote what and when.
    /// </summary>
    public ReviewSectionEdit WriteReviewSection(string section, string? text, bool append, Actor by, DateTime now, int maxLength)
    {
        var cleaned = InputLimits.Apply(InputField.Text, text) ?? string.Empty;
        if (append && cleaned.Length == 0)
        {
            throw new IncidentRuleException("Say what to add to the section.");
        }

        var current = ReviewSectionTexts().GetValueOrDefault(section);
        var result = append && !string.IsNullOrWhiteSpace(current) ? current.TrimEnd() + "\n\n" + cleaned : cleaned;
        if (result.Length > maxLength)
        {
            throw new IncidentRuleException($"The section would be {result.Length:N0} characters long; a section holds at most {maxLength:N0}. Keep it short: the meeting is for discussion.");
        }

        if (string.Equals(result, current ?? string.Empty, StringComparison.Ordinal))
        {
            throw new IncidentRuleException("That changes nothing.");
        }

        var edit = new ReviewSectionEdit { Section = section, Text = result, AuthorKey = by.PersonKey, At = now };
        ReviewSections.Add(edit);
        return edit;
    }

    /// <summary>Records a note (or a decision) of the review meeting; kept with who and when, never replaced.</summary>
    public ReviewNote RecordReviewNote(string? text, bool decision, Actor by, DateTime now)
    {
        var cleaned = Blank(InputLimits.Apply(InputField.Text, text))
            ?? throw new IncidentRuleException(decision ? "Say what was decided." : "Say what to note.");
        var note = new ReviewNote { Text = cleaned, Decision = decision, AuthorKey = by.PersonKey, At = now };
        ReviewNotes.Add(note);
        return note;
    }

    /// <summary>Adds a membership reason; returns false when the person was already a member for that reason.</summary>
    public bool AddMember(string personKey, MembershipSource source, DateTime now)
    {
        var existing = Members.FirstOrDefault(m => m.PersonKey == personKey && m.Source == source);
        if (existing is { Active: true })
        {
            return false;
        }

        if (existing != null)
        {
            existing.Active = true;
            existing.Since = now;
            existing.Until = null;
            return true;
        }

        Members.Add(new IncidentMember { Id = Members.Count + 1, IncidentId = Id, PersonKey = personKey, Source = source, Since = now, TenantId = TenantId });
        return true;
    }

    public bool RemoveMember(string personKey, MembershipSource source, DateTime now)
    {
        var existing = Members.FirstOrDefault(m => m.PersonKey == personKey && m.Source == source && m.Active);
        if (existing is null)
        {
            return false;
        }

        existing.Active = false;
        existing.Until = now;
        return true;
    }

    public bool IsMember(string personKey) => Members.Any(m => m.Active && m.PersonKey == personKey);

    public TimelineEntry Record(TimelineKind kind, Actor by, DateTime now, string text, string? before = null, string? after = null)
    {
        var entry = new TimelineEntry
        {
            IncidentId = Id,
            Kind = kind,
            OccurredAt = now,
            RecordedAt = now,
            AuthorKey = by.PersonKey,
            Text = text,
            Before = before,
            After = after,
            TenantId = by.TenantId,
        };
        Timeline.Add(entry);
        return entry;
    }

    private void EnsureOpen(string what)
    {
        if (!IsOpen)
        {
            throw new IncidentRuleException($"{Reference} is {Status.ToWord()}; reopen it first to {what}.");
        }
    }

    private static string RequireText(string? text, string what) =>
        Blank(InputLimits.Apply(InputField.Text, text)) ?? throw new IncidentRuleException($"The {what} needs some text.");

    private static string FormatLead(TimeSpan lead) =>
        lead.TotalDays >= 1 && lead.TotalDays == Math.Floor(lead.TotalDays) ? $"{lead.TotalDays:0} days" : $"{lead.TotalHours:0.#} hours";

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
