using System.Text.Json;
using IncidentBot.Core.Access;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.ActionItems;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Membership;
using IncidentBot.Core.Features.Reviews;
using IncidentBot.Core.Features.Roles;
using IncidentBot.Tests.Infrastructure;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Access;

/// <summary>Who tries the action: the incident's commander, someone in its channel without a role, a facilitator.</summary>
public enum MatrixPerson
{
    Holder,
    Member,
    Facilitator,
}

/// <summary>The incident the action is tried on.</summary>
public enum MatrixSetup
{
    /// <summary>Open, SEV2.</summary>
    Open,

    /// <summary>Resolved, SEV4: below the severity line, so its review is not booked on its own.</summary>
    Resolved,

    /// <summary>Resolved, SEV2, its review booked and its doc written a while ago.</summary>
    Booked,

    /// <summary>Open, with a second open incident (<c>{target}</c>) to be a duplicate of.</summary>
    WithTarget,
}

/// <summary>How a person does it: a command (Slack, Teams, the web console), capturing a message (chat), the web's entry editor.</summary>
public enum MatrixVia
{
    Command,
    Capture,
    EditEntry,
}

/// <summary>
/// One row of the permission matrix: the action, how it is done, on what, whom the defaults allow, and the refusal
/// the others read (<c>{n}</c> is the incident's number).
/// </summary>
public sealed record MatrixRow(IncidentAction Action, MatrixVia Via, string? Command, MatrixSetup Setup, bool Holder, bool Member, bool Facilitator, string? Refusal)
{
    public bool Allows(MatrixPerson person) => person switch
    {
        MatrixPerson.Holder => Holder,
        MatrixPerson.Member => Member,
        _ => Facilitator,
    };

    public bool OfferedOn(string surface) => Via switch
    {
        MatrixVia.Command => true,
        MatrixVia.Capture => surface is "slack" or "teams",
        _ => surface == "web",
    };
}

/// <summary>
/// The permission matrix under the default <c>Incidents:Permissions</c>, run on Slack, Teams and the web through their
/// real endpoints: allowed → the incident (or its review) changed; refused → nothing changed and the reply says who may.
/// A new action adds a row here.
/// </summary>
public static class PermissionMatrix
{
    private const string Responders = "Only the declarer, role holders or a facilitator can";

    public static IReadOnlyList<MatrixRow> Rows { get; } =
    [
        new(IncidentAction.Declare, MatrixVia.Command, "declare sev3 Matrix checkout errors", MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.Note, MatrixVia.Command, "INC-{n} note dashboards are red", MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.Update, MatrixVia.Command, "INC-{n} update rolling back the deploy", MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.Capture, MatrixVia.Capture, null, MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.ActionItems, MatrixVia.Command, "INC-{n} action alert on queue depth", MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.TakeRole, MatrixVia.Command, "INC-{n} role communications me", MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.ReassignRole, MatrixVia.Command, "INC-{n} role scribe me", MatrixSetup.Open, true, false, true,
            "Only the current scribe, the commander or a facilitator can hand over the scribe role on INC-{n}."),
        new(IncidentAction.Status, MatrixVia.Command, "INC-{n} status identified", MatrixSetup.Open, true, false, true, $"{Responders} change the status of INC-{{n}}."),
        new(IncidentAction.Severity, MatrixVia.Command, "INC-{n} severity sev1", MatrixSetup.Open, true, false, true, $"{Responders} change the severity of INC-{{n}}."),
        new(IncidentAction.ImpactStarted, MatrixVia.Command, "INC-{n} impact-started 45m ago", MatrixSetup.Open, true, false, true, $"{Responders} say when the impact on INC-{{n}} started."),
        new(IncidentAction.Resolve, MatrixVia.Command, "INC-{n} resolve rolled back", MatrixSetup.Open, true, false, true, $"{Responders} resolve INC-{{n}}."),
        new(IncidentAction.Cancel, MatrixVia.Command, "INC-{n} cancel false alarm", MatrixSetup.Open, true, false, true, $"{Responders} cancel INC-{{n}}."),
        new(IncidentAction.Duplicate, MatrixVia.Command, "INC-{n} duplicate INC-{target}", MatrixSetup.WithTarget, true, false, true, $"{Responders} mark INC-{{n}} a duplicate."),
        new(IncidentAction.Reopen, MatrixVia.Command, "INC-{n} reopen", MatrixSetup.Resolved, true, false, true, $"{Responders} reopen INC-{{n}}."),
        new(IncidentAction.EditTimeline, MatrixVia.EditEntry, null, MatrixSetup.Open, false, false, true, "Only a facilitator can hide or correct timeline entries of INC-{n}."),
        new(IncidentAction.ReviewDoc, MatrixVia.Command, "INC-{n} review doc", MatrixSetup.Booked, true, true, true, null),
        new(IncidentAction.RequestReview, MatrixVia.Command, "INC-{n} review schedule", MatrixSetup.Resolved, true, true, true, null),
        new(IncidentAction.ReviewSchedule, MatrixVia.Command, "INC-{n} review unbook", MatrixSetup.Booked, false, false, true,
            "Only a facilitator can move, skip, extend or unbook the review of INC-{n}."),
        new(IncidentAction.ReviewMeeting, MatrixVia.Command, "INC-{n} review presenter me", MatrixSetup.Booked, false, false, true,
            "Only a facilitator can choose the presenter or notetaker of INC-{n}'s review."),
        new(IncidentAction.WriteReviewSection, MatrixVia.Command, "INC-{n} review write went-well the rollback was quick", MatrixSetup.Booked, true, true, true, null),
        new(IncidentAction.MarkKeyMoment, MatrixVia.Command, "INC-{n} key {entry}", MatrixSetup.Open, true, true, true, null),

        // The setup's agenda is not fixed yet, so anyone may regenerate (ReviewDoc); the facilitators' row applies after the freeze.
        new(IncidentAction.RefreshFrozenReviewDoc, MatrixVia.Command, "INC-{n} review doc", MatrixSetup.Booked, true, true, true, null),
        new(IncidentAction.CloseActionItem, MatrixVia.Command, "INC-{n} action done 1", MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.ReopenActionItem, MatrixVia.Command, "INC-{n} action reopen 2", MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.ActionItemDue, MatrixVia.Command, "INC-{n} action due 1 2027-01-15", MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.ActionItemLink, MatrixVia.Command, "INC-{n} action link 1 https://tracker.example.com/OPS-1", MatrixSetup.Open, true, true, true, null),
        new(IncidentAction.ReviewNote, MatrixVia.Command, "INC-{n} review note canaries for config changes too", MatrixSetup.Booked, false, false, true,
            "Only a facilitator can record the review meeting's notes on INC-{n}."),
    ];

    public static MatrixRow Row(IncidentAction action) => Rows.Single(r => r.Action == action);

    /// <summary>Every row × person that <paramref name="surface"/> (slack, teams, web) offers.</summary>
    public static TheoryData<IncidentAction, MatrixPerson> Cases(string surface)
    {
        var data = new TheoryData<IncidentAction, MatrixPerson>();
        foreach (var row in Rows.Where(r => r.OfferedOn(surface)))
        {
            foreach (var person in Enum.GetValues<MatrixPerson>())
            {
                data.Add(row.Action, person);
            }
        }

        return data;
    }
}

/// <summary>A platform, driven through its real endpoints as the matrix's people.</summary>
public interface IMatrixSurface : IAsyncLifetime
{
    IServiceProvider Services { get; }

    FakeTimeProvider Clock { get; }

    /// <summary>The person as the platform names them.</summary>
    Actor Person(MatrixPerson person);

    /// <summary>Someone who declares the incidents and is none of the matrix's people.</summary>
    Actor Declarer { get; }

    /// <summary>Whoever holds the scribe role before the matrix's person tries to take it.</summary>
    Actor Scribe { get; }

    Task SettleAsync();

    /// <summary>Types <paramref name="text"/> as <paramref name="person"/>; returns what the bot answered them.</summary>
    Task<string> CommandAsync(MatrixPerson person, string text);

    /// <summary>Adds a message of the incident's channel to its timeline as <paramref name="person"/>; returns the answer, if any.</summary>
    Task<string> CaptureAsync(MatrixPerson person, int number);

    /// <summary>Hides a timeline entry as <paramref name="person"/>; returns the page's answer.</summary>
    Task<string> HideEntryAsync(MatrixPerson person, int number, long entryId);
}

/// <summary>The matrix's test, shared by the three surfaces.</summary>
public abstract class PermissionMatrixTests<TSurface>(TSurface surface) where TSurface : IMatrixSurface
{
    private static readonly Actor Observer = Actor.Console("facilitator");
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    protected async Task RunAsync(IncidentAction action, MatrixPerson person)
    {
        var row = PermissionMatrix.Row(action);
        var (number, target) = await PrepareAsync(row.Setup);
        var before = await SnapshotAsync(number, target);

        var reply = row.Via switch
        {
            MatrixVia.Command => await surface.CommandAsync(person, row.Command!.Replace("{n}", $"{number}", StringComparison.Ordinal)
                .Replace("{target}", $"{target}", StringComparison.Ordinal)
                .Replace("{entry}", $"{(await SendAsync(new GetIncident(Observer, number))).Timeline[0].Id}", StringComparison.Ordinal)),
            MatrixVia.Capture => await surface.CaptureAsync(person, number),
            _ => await surface.HideEntryAsync(person, number, (await SendAsync(new GetIncident(Observer, number))).Timeline[0].Id),
        };
        await surface.SettleAsync();
        var after = await SnapshotAsync(number, target);

        if (row.Allows(person))
        {
            Assert.NotEqual(before, after);
            Assert.DoesNotContain("Only ", reply, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(before, after);
            Assert.DoesNotContain("in_channel", reply, StringComparison.Ordinal);
            Assert.Contains(row.Refusal!.Replace("{n}", $"{number}", StringComparison.Ordinal), reply, StringComparison.Ordinal);
        }
    }

    /// <summary>Declared by someone else, led by the holder, scribed by another, the member in its channel.</summary>
    private async Task<(int Number, int Target)> PrepareAsync(MatrixSetup setup)
    {
        var declarer = surface.Declarer;
        var severity = setup switch { MatrixSetup.Resolved => "SEV4", _ => "SEV2" };
        var number = (await SendAsync(new DeclareIncident(declarer, "Matrix incident", severity))).Number;
        var holder = surface.Person(MatrixPerson.Holder);
        var member = surface.Person(MatrixPerson.Member);
        await SendAsync(new AssignRole(declarer, number, "commander", holder.PersonKey, holder.DisplayName));
        await SendAsync(new AssignRole(declarer, number, "scribe", surface.Scribe.PersonKey, surface.Scribe.DisplayName));
        await SendAsync(new ChangeMembership(member, number, member.PersonKey, Join: true, MembershipSource.Channel, member.DisplayName, FromPlatform: true));
        // Two follow-ups to change: #1 open, #2 done.
        await SendAsync(new AddActionItem(declarer, number, "Matrix follow-up", declarer.PersonKey, declarer.DisplayName));
        await SendAsync(new AddActionItem(declarer, number, "Matrix finished follow-up"));
        await SendAsync(new CloseActionItem(declarer, number, 2, ActionItemStatus.Done));
        var target = setup == MatrixSetup.WithTarget ? (await SendAsync(new DeclareIncident(declarer, "Matrix original", "SEV2"))).Number : 0;
        if (setup is MatrixSetup.Resolved or MatrixSetup.Booked)
        {
            await SendAsync(new ResolveIncident(declarer, number, "fixed"));
        }

        await surface.SettleAsync();
        if (setup == MatrixSetup.Booked)
        {
            Assert.DoesNotContain("no review booked", await SendAsync(new ManageReview(Observer, number, ReviewAction.Show)), StringComparison.Ordinal);

            // A regenerated doc is told from the stored one by its time.
            surface.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        return (number, target);
    }

    /// <summary>What the action could change: the incidents, the review agenda, the review doc.</summary>
    private async Task<string> SnapshotAsync(int number, int target)
    {
        var incident = await SendAsync(new GetIncident(Observer, number, IncludeHidden: true));
        var parts = new List<object?>
        {
            await StoreProbe.IncidentCountAsync(surface.Services),
            incident,
            target == 0 ? null : await SendAsync(new GetIncident(Observer, target, IncludeHidden: true)),
            await SendAsync(new ListReviewSessions(Observer, 52)),
            incident.Summary.Status == IncidentStatus.Resolved ? await DocStateAsync(number) : null,
        };
        return JsonSerializer.Serialize(parts, Json);
    }

    /// <summary>The doc's generation time and how many edits its written sections hold.</summary>
    private async Task<object> DocStateAsync(int number)
    {
        var doc = await SendAsync(new GetReviewDoc(Observer, number));
        return new { doc.GeneratedAt, Edits = doc.Sections.Sum(s => s.Edits.Count) };
    }

    private async Task<T> SendAsync<T>(IRequest<T> request)
    {
        await using var scope = surface.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }
}
