using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Features;

/// <summary>The short word a person reads beside a timeline entry.</summary>
public static class TimelineLabels
{
    public static string Of(TimelineKind kind) => kind switch
    {
        TimelineKind.Declared => "declared",
        TimelineKind.StatusChanged => "status",
        TimelineKind.SeverityChanged => "severity",
        TimelineKind.RoleAssigned => "role",
        TimelineKind.Update => "update",
        TimelineKind.Note => "note",
        TimelineKind.Captured => "captured",
        TimelineKind.ActionItemAdded => "action item",
        TimelineKind.ImpactStartedSet => "impact",
        TimelineKind.Resolved => "resolved",
        TimelineKind.Cancelled => "cancelled",
        TimelineKind.MarkedDuplicate => "duplicate",
        TimelineKind.DuplicateMerged => "merged",
        TimelineKind.Reopened => "reopened",
        TimelineKind.MemberJoined => "joined",
        TimelineKind.MemberLeft => "left",
        TimelineKind.ActionItemChanged => "follow-up",
        _ => kind.ToString(),
    };
}
