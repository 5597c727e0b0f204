using IncidentBot.Core.Domain;

namespace IncidentBot.Tests.Core.Domain;

public class IncidentTests
{
    private static readonly DateTime T0 = new(2026, 11, 17, 9, 0, 0, DateTimeKind.Utc);
    private static readonly Actor Alice = Actor.Console("alice");
    private static readonly Actor Bob = Actor.Console("bob");

    private static Incident NewIncident(bool isPrivate = false) => Incident.Declare(7, "Checkout errors", "SEV2", Alice, T0, isPrivate: isPrivate);

    [Fact]
    public void Declare_RecordsDeclarerAsMemberAndTimelineEntry()
    {
        var incident = NewIncident();

        Assert.Equal(IncidentStatus.Investigating, incident.Status);
        Assert.True(incident.IsMember("console:alice"));
        var entry = Assert.Single(incident.Timeline);
        Assert.Equal(TimelineKind.Declared, entry.Kind);
        Assert.Equal("console:alice", entry.AuthorKey);
        Assert.Equal(T0, entry.OccurredAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Declare_WithoutTitle_IsRefused(string title) =>
        Assert.Throws<IncidentRuleException>(() => Incident.Declare(1, title, "SEV2", Alice, T0));

    [Fact]
    public void Declare_WithOverlongTitle_IsRefused() =>
        Assert.ThrowsAny<IncidentRuleException>(() => Incident.Declare(1, new string('x', Incident.MaxTitleLength + 1), "SEV2", Alice, T0));

    [Fact]
    public void ChangeStatus_RecordsBeforeAndAfterAndKeyTimes()
    {
        var incident = NewIncident();

        var entry = incident.ChangeStatus(IncidentStatus.Identified, Bob, T0.AddMinutes(10));
        incident.ChangeStatus(IncidentStatus.Monitoring, Bob, T0.AddMinutes(30));

        Assert.Equal(("investigating", "identified"), (entry.Before, entry.After));
        Assert.Equal("console:bob", entry.AuthorKey);
        Assert.Equal(T0.AddMinutes(10), incident.IdentifiedAt);
        Assert.Equal(T0.AddMinutes(30), incident.MitigatedAt);
    }

    [Fact]
    public void ChangeStatus_SkippingToMonitoring_AlsoMarksIdentified()
    {
        var incident = NewIncident();

        incident.ChangeStatus(IncidentStatus.Monitoring, Bob, T0.AddMinutes(5));

        Assert.Equal(T0.AddMinutes(5), incident.IdentifiedAt);
        Assert.Equal(T0.AddMinutes(5), incident.MitigatedAt);
    }

    [Fact]
    public void ChangeStatus_ToSameStatus_IsRefused() =>
        Assert.Throws<IncidentRuleException>(() => NewIncident().ChangeStatus(IncidentStatus.Investigating, Bob, T0));

    [Fact]
    public void ChangeStatus_BackFromMonitoring_IsAllowedAndKeepsFirstMitigation()
    {
        var incident = NewIncident();
        incident.ChangeStatus(IncidentStatus.Monitoring, Bob, T0.AddMinutes(5));

        incident.ChangeStatus(IncidentStatus.Investigating, Bob, T0.AddMinutes(9), "errors are back");

        Assert.Equal(IncidentStatus.Investigating, incident.Status);
        Assert.Equal(T0.AddMinutes(5), incident.MitigatedAt);
        Assert.Equal("Status monitoring → investigating: errors are back", incident.Timeline[^1].Text);
    }

    [Fact]
    public void ChangeStatus_ToResolved_Resolves()
    {
        var incident = NewIncident();

        incident.ChangeStatus(IncidentStatus.Resolved, Bob, T0.AddHours(1), "rolled back");

        Assert.Equal(IncidentStatus.Resolved, incident.Status);
        Assert.Equal(T0.AddHours(1), incident.ResolvedAt);
        Assert.Equal("rolled back", incident.Summary);
        Assert.Equal(TimelineKind.Resolved, incident.Timeline[^1].Kind);
    }

    [Theory]
    [InlineData(IncidentStatus.Cancelled)]
    [InlineData(IncidentStatus.Duplicate)]
    public void ChangeStatus_ToCancelledOrDuplicate_PointsToTheirCommands(IncidentStatus status) =>
        Assert.Throws<IncidentRuleException>(() => NewIncident().ChangeStatus(status, Bob, T0));

    [Fact]
    public void Resolve_Twice_IsRefusedUntilReopened()
    {
        var incident = NewIncident();
        incident.Resolve(Bob, T0.AddHours(1), null);

        var refused = Assert.Throws<IncidentRuleException>(() => incident.Resolve(Bob, T0.AddHours(2), null));
        Assert.Contains("reopen", refused.Message, StringComparison.OrdinalIgnoreCase);

        incident.Reopen(Alice, T0.AddHours(3));
        Assert.Equal(IncidentStatus.Investigating, incident.Status);
        Assert.Null(incident.ResolvedAt);
        incident.Resolve(Bob, T0.AddHours(4), "for real");
        Assert.Equal(T0.AddHours(4), incident.ResolvedAt);
    }

    [Fact]
    public void Reopen_OpenIncident_IsRefused() =>
        Assert.Throws<IncidentRuleException>(() => NewIncident().Reopen(Bob, T0));

    [Fact]
    public void Cancel_RequiresReasonAndClosesWithoutResolving()
    {
        var incident = NewIncident();
        Assert.Throws<IncidentRuleException>(() => incident.Cancel(Bob, T0, " "));

        incident.Cancel(Bob, T0.AddMinutes(3), "monitor flapped");

        Assert.Equal(IncidentStatus.Cancelled, incident.Status);
        Assert.Null(incident.ResolvedAt);
        Assert.Equal(T0.AddMinutes(3), incident.ClosedAt);
        Assert.Equal("monitor flapped", incident.CancelReason);
    }

    [Fact]
    public void ChangeSeverity_RecordsBeforeAfter_AndSameSeverityIsRefused()
    {
        var incident = NewIncident();

        var entry = incident.ChangeSeverity("SEV1", Bob, T0.AddMinutes(1));

        Assert.Equal(("SEV2", "SEV1"), (entry.Before, entry.After));
        Assert.Throws<IncidentRuleException>(() => incident.ChangeSeverity("sev1", Bob, T0.AddMinutes(2)));
    }

    [Fact]
    public void AssignRole_Handover_RelievesPreviousHolderAndRecordsBoth()
    {
        var incident = NewIncident();
        incident.AssignRole("commander", "console:alice", Alice, T0.AddMinutes(1));

        var handover = incident.AssignRole("commander", "console:bob", Alice, T0.AddMinutes(20));

        Assert.Equal("console:bob", incident.CurrentHolder("commander")!.PersonKey);
        Assert.Equal(T0.AddMinutes(20), incident.Roles[0].RelievedAt);
        Assert.Equal(("console:alice", "console:bob"), (handover.Before, handover.After));
        Assert.True(incident.IsMember("console:bob"));
    }

    [Fact]
    public void AssignRole_ToCurrentHolder_IsRefused()
    {
        var incident = NewIncident();
        incident.AssignRole("commander", "console:bob", Alice, T0);

        Assert.Throws<IncidentRuleException>(() => incident.AssignRole("Commander", "console:bob", Alice, T0.AddMinutes(1)));
    }

    [Fact]
    public void SetImpactStarted_InTheFuture_IsRefused()
    {
        var incident = NewIncident();

        Assert.Throws<IncidentRuleException>(() => incident.SetImpactStarted(T0.AddMinutes(5), Bob, T0, TimeSpan.FromDays(7)));
        incident.SetImpactStarted(T0.AddMinutes(-40), Bob, T0, TimeSpan.FromDays(7));
        Assert.Equal(T0.AddMinutes(-40), incident.ImpactStartedAt);
    }

    [Fact]
    public void MarkDuplicate_CopiesTimelineOnceAndClosesSource()
    {
        var source = NewIncident();
        source.Id = 1;
        source.AddNote("saw 500s on /pay", Bob, T0.AddMinutes(2));
        var captured = source.Record(TimelineKind.Captured, Bob, T0.AddMinutes(3), "graph link");
        captured.ExternalId = "slack:C1:111.222";
        var target = Incident.Declare(6, "Payments down", "SEV1", Bob, T0.AddMinutes(-5));
        target.Id = 2;
        var already = target.Record(TimelineKind.Captured, Bob, T0.AddMinutes(3), "graph link");
        already.ExternalId = "slack:C1:111.222";

        source.MarkDuplicateOf(target, Alice, T0.AddMinutes(10));

        Assert.Equal(IncidentStatus.Duplicate, source.Status);
        Assert.Equal(6, source.DuplicateOfNumber);
        Assert.Contains(target.Timeline, e => e.MergedFromNumber == 7 && e.Text == "saw 500s on /pay");
        Assert.Single(target.Timeline, e => e.ExternalId == "slack:C1:111.222");
        Assert.Contains(target.Timeline, e => e.Kind == TimelineKind.DuplicateMerged);
    }

    [Fact]
    public void MarkDuplicate_OfItself_OrOfADuplicate_OrPrivateIntoPublic_IsRefused()
    {
        var a = NewIncident();
        a.Id = 1;
        Assert.Throws<IncidentRuleException>(() => a.MarkDuplicateOf(a, Alice, T0));

        var b = Incident.Declare(8, "B", "SEV3", Alice, T0);
        b.Id = 2;
        var c = Incident.Declare(9, "C", "SEV3", Alice, T0);
        c.Id = 3;
        b.MarkDuplicateOf(c, Alice, T0.AddMinutes(1));
        Assert.Throws<IncidentRuleException>(() => a.MarkDuplicateOf(b, Alice, T0.AddMinutes(2)));

        var secret = NewIncident(isPrivate: true);
        secret.Id = 4;
        Assert.Throws<IncidentRuleException>(() => secret.MarkDuplicateOf(c, Alice, T0.AddMinutes(2)));
    }

    [Fact]
    public void Membership_LeavingChannel_KeepsDeclarerMembership()
    {
        var incident = NewIncident(isPrivate: true);
        incident.AddMember("console:alice", MembershipSource.Channel, T0);
        incident.AddMember("console:bob", MembershipSource.Channel, T0);

        incident.RemoveMember("console:alice", MembershipSource.Channel, T0.AddMinutes(1));
        incident.RemoveMember("console:bob", MembershipSource.Channel, T0.AddMinutes(1));

        Assert.True(incident.IsMember("console:alice"));
        Assert.False(incident.IsMember("console:bob"));
    }

    [Fact]
    public void AddNote_TooLong_IsRefused() =>
        Assert.ThrowsAny<IncidentRuleException>(() => NewIncident().AddNote(new string('n', Incident.MaxTextLength + 1), Bob, T0));

    [Theory]
    [InlineData("slack:U024BE7LH", true)]
    [InlineData("teams:6f1c3a0e-0000-4000-8000-000000000001", true)]
    [InlineData("console:alice", true)]
    [InlineData("CONSOLE:alice", true)]
    [InlineData("email:alice", false)]
    [InlineData("slack:", false)]
    [InlineData(":U1", false)]
    [InlineData("alice", false)]
    [InlineData("console:al ice", false)]
    [InlineData("slack:W0123ABCD", true)]
    [InlineData("slack:u024be7lh", false)]
    [InlineData("slack:B0BOT", false)]
    [InlineData("teams:29:1AbC_d-9", true)]
    [InlineData("teams:aad-alice", false)]
    [InlineData("teams:29:", false)]
    [InlineData("console:al\u0000ice", false)]
    [InlineData("system:api", true)]
    public void PersonKey_Validation(string key, bool valid) => Assert.Equal(valid, PersonKey.IsValid(key));
}
