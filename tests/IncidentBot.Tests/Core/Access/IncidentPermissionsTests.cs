using IncidentBot.Core.Access;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Options;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Core.Access;

/// <summary>The rules of <c>Incidents:Permissions</c>: the defaults, who each word names, what a refusal says, what start-up refuses.</summary>
public sealed class IncidentPermissionsTests
{
    private static readonly DateTime Now = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
    private static readonly Actor Declarer = Actor.Console("dana");
    private static readonly Actor Commander = Actor.Console("cmdr");
    private static readonly Actor Scribe = Actor.Console("scribe");
    private static readonly Actor Member = Actor.Console("mel");
    private static readonly Actor Bystander = Actor.Console("bea");
    private static readonly Actor Facilitator = Actor.Console("fay");
    private static readonly Actor FormerScribe = Actor.Console("old");

    /// <summary>The defaults as a team reads them in the README; a change here is a product change.</summary>
    public static TheoryData<IncidentAction, string> Defaults => new()
    {
        { IncidentAction.Declare, "anyone" },
        { IncidentAction.Note, "anyone" },
        { IncidentAction.Update, "anyone" },
        { IncidentAction.Capture, "anyone" },
        { IncidentAction.ActionItems, "anyone" },
        { IncidentAction.TakeRole, "anyone" },
        { IncidentAction.ReassignRole, "holder lead facilitators" },
        { IncidentAction.Status, "declarer roles facilitators" },
        { IncidentAction.Severity, "declarer roles facilitators" },
        { IncidentAction.ImpactStarted, "declarer roles facilitators" },
        { IncidentAction.Resolve, "declarer roles facilitators" },
        { IncidentAction.Cancel, "declarer roles facilitators" },
        { IncidentAction.Duplicate, "declarer roles facilitators" },
        { IncidentAction.Reopen, "declarer roles facilitators" },
        { IncidentAction.EditTimeline, "facilitators" },
        { IncidentAction.ReviewDoc, "anyone" },
        { IncidentAction.RequestReview, "anyone" },
        { IncidentAction.ReviewSchedule, "facilitators" },
        { IncidentAction.ReviewMeeting, "facilitators" },
        { IncidentAction.WriteReviewSection, "members facilitators" },
        { IncidentAction.MarkKeyMoment, "members facilitators" },
        { IncidentAction.RefreshFrozenReviewDoc, "facilitators" },
        { IncidentAction.CloseActionItem, "members facilitators" },
        { IncidentAction.ReopenActionItem, "members facilitators" },
        { IncidentAction.ActionItemDue, "members facilitators" },
        { IncidentAction.ActionItemLink, "members facilitators" },
        { IncidentAction.ReviewNote, "facilitators" },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Each_action_has_its_documented_default(IncidentAction action, string who)
    {
        Assert.Equal(who, string.Join(' ', Permissions().Who(action).Select(PermissionTable.Word)));
    }

    [Fact]
    public void Every_action_has_a_default()
    {
        Assert.Equal(Enum.GetValues<IncidentAction>().Order(), PermissionTable.Defaults.Keys.Order());
        Assert.Equal(Enum.GetValues<IncidentAction>().Length, Defaults.Count);
    }

    [Theory]
    [InlineData("dana", true)]
    [InlineData("cmdr", true)]
    [InlineData("scribe", true)]
    [InlineData("fay", true)]
    [InlineData("mel", false)]
    [InlineData("bea", false)]
    [InlineData("old", false)]
    public void Resolving_takes_the_declarer_a_role_holder_or_a_facilitator(string who, bool allowed)
    {
        Assert.Equal(allowed, Permissions().Allows(IncidentAction.Resolve, Incident(), Actor.Console(who)));
    }

    [Theory]
    [InlineData("scribe", true)]
    [InlineData("cmdr", true)]
    [InlineData("fay", true)]
    [InlineData("dana", false)]
    [InlineData("mel", false)]
    [InlineData("old", false)]
    public void Handing_over_a_role_takes_its_holder_the_lead_or_a_facilitator(string who, bool allowed)
    {
        Assert.Equal(allowed, Permissions().Allows(IncidentAction.ReassignRole, Incident(), Actor.Console(who), "scribe"));
    }

    [Fact]
    public void Anyone_means_whoever_got_past_the_privacy_rule_and_members_means_the_incidents_members()
    {
        var loose = Permissions();
        var tight = Permissions(("Note", ["members"]));

        Assert.True(loose.Allows(IncidentAction.Note, Incident(), Bystander));
        Assert.False(tight.Allows(IncidentAction.Note, Incident(), Bystander));
        Assert.True(tight.Allows(IncidentAction.Note, Incident(), Member));
        Assert.True(tight.Allows(IncidentAction.Note, Incident(), Scribe));
        Assert.False(tight.Allows(IncidentAction.Note, Incident(), Facilitator));
    }

    [Fact]
    public void A_configured_row_replaces_its_default_and_leaves_the_others()
    {
        var permissions = Permissions(("resolve", ["lead", "facilitators"]), ("EditTimeline", ["facilitators", "Roles"]));

        Assert.False(permissions.Allows(IncidentAction.Resolve, Incident(), Declarer));
        Assert.False(permissions.Allows(IncidentAction.Resolve, Incident(), Scribe));
        Assert.True(permissions.Allows(IncidentAction.Resolve, Incident(), Commander));
        Assert.True(permissions.Allows(IncidentAction.EditTimeline, Incident(), Scribe));
        Assert.True(permissions.Allows(IncidentAction.Cancel, Incident(), Declarer));
    }

    [Fact]
    public void Declaring_has_no_incident_to_ask_about()
    {
        Assert.True(Permissions().Allows(IncidentAction.Declare, null, Bystander));
        var tight = Permissions(("Declare", ["facilitators"]));
        Assert.False(tight.Allows(IncidentAction.Declare, null, Bystander));
        Assert.True(tight.Allows(IncidentAction.Declare, null, Facilitator));
        Assert.Equal("Only a facilitator can declare incidents.", Assert.Throws<PermissionDeniedException>(() => tight.Demand(IncidentAction.Declare, null, Bystander)).Message);
    }

    [Theory]
    [InlineData(IncidentAction.Resolve, null, "Only the declarer, role holders or a facilitator can resolve INC-4.")]
    [InlineData(IncidentAction.ReassignRole, "scribe", "Only the current scribe, the commander or a facilitator can hand over the scribe role on INC-4.")]
    [InlineData(IncidentAction.EditTimeline, null, "Only a facilitator can hide or correct timeline entries of INC-4.")]
    [InlineData(IncidentAction.ReviewSchedule, null, "Only a facilitator can move, skip, extend or unbook the review of INC-4.")]
    public void A_refusal_says_who_may(IncidentAction action, string? role, string message)
    {
        var refused = Assert.Throws<PermissionDeniedException>(() => Permissions().Demand(action, Incident(), Bystander, role));

        Assert.Equal(message, refused.Message);
        Assert.Equal(action, refused.Action);
    }

    [Fact]
    public void A_tightened_row_is_named_in_its_refusal()
    {
        var refused = Assert.Throws<PermissionDeniedException>(() => Permissions(("Note", ["members", "facilitators"])).Demand(IncidentAction.Note, Incident(), Bystander));

        Assert.Equal("Only members of INC-4 or a facilitator can add notes to INC-4.", refused.Message);
    }

    [Theory]
    [InlineData("Reslove", "declarer", "Incidents:Permissions:Reslove is not an action.")]
    [InlineData("3", "declarer", "Incidents:Permissions:3 is not an action.")]
    [InlineData("Resolve", "comander", "Incidents:Permissions:Resolve:0 'comander' is not one of anyone, members, declarer, roles, lead, holder, facilitators.")]
    [InlineData("Resolve", "1", "Incidents:Permissions:Resolve:0 '1' is not one of")]
    [InlineData("Resolve", "holder", "Incidents:Permissions:Resolve:0 'holder' applies only to ReassignRole")]
    [InlineData("Declare", "declarer", "Incidents:Permissions:Declare:0 'declarer': before an incident exists")]
    public void A_wrong_row_is_refused_naming_its_key(string key, string word, string message)
    {
        var errors = new List<string>();

        Assert.Null(PermissionTable.From(new Dictionary<string, List<string>> { [key] = [word] }, errors));

        Assert.StartsWith(message, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_naming_nobody_is_refused()
    {
        var errors = new List<string>();

        Assert.Null(PermissionTable.From(new Dictionary<string, List<string>> { ["Resolve"] = [] }, errors));

        Assert.StartsWith("Incidents:Permissions:Resolve names nobody", Assert.Single(errors), StringComparison.Ordinal);
    }

    /// <summary>INC-4, declared by dana; cmdr leads, scribe is scribe (after old), mel joined the channel; fay facilitates.</summary>
    private static Incident Incident()
    {
        var incident = IncidentBot.Core.Domain.Incident.Declare(4, "Checkout errors", "SEV2", Declarer, Now);
        incident.AssignRole("commander", Commander.PersonKey, Declarer, Now);
        incident.AssignRole("scribe", FormerScribe.PersonKey, Declarer, Now);
        incident.AssignRole("scribe", Scribe.PersonKey, Declarer, Now);
        incident.AddMember(Member.PersonKey, MembershipSource.Channel, Now);
        return incident;
    }

    private static IncidentPermissions Permissions(params (string Key, List<string> Who)[] rows)
    {
        var incidents = new IncidentsOptions { Roles = [new() { Name = "commander" }, new() { Name = "communications" }, new() { Name = "scribe" }] };
        foreach (var (key, who) in rows)
        {
            incidents.Permissions[key] = who;
        }

        var facilitators = new FacilitatorOptions { Facilitators = [Facilitator.PersonKey] };
        return new IncidentPermissions(Options.Create(incidents), Options.Create(facilitators));
    }
}
