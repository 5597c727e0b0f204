using IncidentBot.Core.Domain;
using IncidentBot.Core.Features;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.WorkQueue;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Core.Features;

/// <summary>Parked work as people see it, and a facilitator's retry or discard, through the real mediator, queue and store.</summary>
public class ParkedWorkSliceTests
{
    private static readonly Actor Fran = Actor.Console("fran");
    private static readonly Actor Alice = CoreHarness.Alice;
    private static readonly Actor Bob = CoreHarness.Bob;

    /// <summary>A bot whose chat platform refuses announcements: with a budget of one attempt, each one is parked at once.</summary>
    private sealed class Scene : IAsyncDisposable
    {
        private readonly TestDatabase _db;

        private Scene(TestDatabase db, CoreHarness core, RecordingExecutor chat, IncidentSummary open, IncidentSummary secret)
        {
            _db = db;
            Core = core;
            Chat = chat;
            Open = open;
            Secret = secret;
        }

        public CoreHarness Core { get; }

        public RecordingExecutor Chat { get; }

        public IncidentSummary Open { get; }

        public IncidentSummary Secret { get; }

        public bool Refusing { get; set; } = true;

        public DateTime Now => Core.Clock.GetUtcNow().UtcDateTime;

        public static async Task<Scene> StartAsync(string provider)
        {
            var db = await TestDatabases.CreateAsync(provider);
            Scene? scene = null;
            var chat = new RecordingExecutor
            {
                Behaviour = intent => intent is AnnounceIncident && scene!.Refusing
                    ? throw new InvalidOperationException($"channel_not_found posting about incident {intent.IncidentId}")
                    : Task.CompletedTask,
            };
            var core = await CoreHarness.StartAsync(db, s => s.AddSingleton<IOutboxExecutor>(chat), new Dictionary<string, string?>
            {
                ["Outbox:MaxAttempts"] = "1",
                ["Reviews:Facilitators:0"] = "console:fran",
            });
            var open = await core.SendAsync(new DeclareIncident(Alice, "Checkout errors"));
            var secret = await core.SendAsync(new DeclareIncident(Alice, "Payroll export exposed", IsPrivate: true));
            scene = new Scene(db, core, chat, open, secret);
            await scene.DrainAsync();
            return scene;
        }

        public Task DrainAsync() => Core.RunAllDueAsync();

        public async Task<WorkItem> AnnounceOfAsync(IncidentSummary incident) =>
            (await StoreProbe.ItemsAsync(Core.Services, "outbox.chat")).Single(i => i.Kind == "incident.announce" && i.IncidentId == incident.Id);

        public int AnnouncesRun(IncidentSummary incident) => Chat.Ran.Count(i => i is AnnounceIncident && i.IncidentId == incident.Id);

        public async ValueTask DisposeAsync()
        {
            await Core.DisposeAsync();
            await _db.DisposeAsync();
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Facilitator_Retries_TheItemIsPendingDueNowWithAFreshBudget_AndThenRuns(string provider)
    {
        await using var scene = await Scene.StartAsync(provider);
        var parked = await scene.AnnounceOfAsync(scene.Open);
        Assert.Equal((WorkStatus.Parked, 1), (parked.Status, parked.Attempts));
        scene.Core.Clock.Advance(TimeSpan.FromMinutes(10));
        scene.Refusing = false;

        var reply = await scene.Core.SendAsync(new RetryParkedWork(Fran, parked.Id));

        Assert.Equal($"Work item {parked.Id} (incident.announce) is queued again with a fresh set of attempts.", reply);
        var pending = await scene.AnnounceOfAsync(scene.Open);
        Assert.Equal((WorkStatus.Pending, 0), (pending.Status, pending.Attempts));
        Assert.Equal(scene.Now, pending.DueAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, (await scene.Core.Queue.HealthAsync(scene.Now, CancellationToken.None)).Parked);

        await scene.DrainAsync();

        Assert.Equal(1, scene.AnnouncesRun(scene.Open));
        var done = await scene.AnnounceOfAsync(scene.Open);
        Assert.Equal((WorkStatus.Done, 1), (done.Status, done.Attempts));
        var left = await scene.Core.SendAsync(new ListParkedWork(Fran));
        Assert.Equal(1, left.Total);
        Assert.Equal("INC-2", Assert.Single(left.Items).Incident?.Reference);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task NonFacilitator_IsRefused_SayingWhoMay_AndNothingChanges(string provider)
    {
        await using var scene = await Scene.StartAsync(provider);
        var parked = await scene.AnnounceOfAsync(scene.Open);
        scene.Refusing = false;

        var retry = await Assert.ThrowsAsync<IncidentRuleException>(() => scene.Core.SendAsync(new RetryParkedWork(Alice, parked.Id)));
        var discard = await Assert.ThrowsAsync<IncidentRuleException>(() => scene.Core.SendAsync(new DiscardParkedWork(Bob, parked.Id)));

        Assert.Equal("Only review facilitators (Reviews:Facilitators) can retry parked work.", retry.Message);
        Assert.Equal("Only review facilitators (Reviews:Facilitators) can discard parked work.", discard.Message);
        scene.Core.Clock.Advance(TimeSpan.FromHours(1));
        await scene.DrainAsync();
        var after = await scene.AnnounceOfAsync(scene.Open);
        Assert.Equal((WorkStatus.Parked, 1, parked.LastError), (after.Status, after.Attempts, after.LastError));
        Assert.Equal(0, scene.AnnouncesRun(scene.Open));
        Assert.Equal(2, (await scene.Core.Queue.HealthAsync(scene.Now, CancellationToken.None)).Parked);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task PrivateIncident_ItsReferenceAndError_AreHiddenFromANonMember(string provider)
    {
        await using var scene = await Scene.StartAsync(provider);

        var bobs = await scene.Core.SendAsync(new ListParkedWork(Bob));
        var alices = await scene.Core.SendAsync(new ListParkedWork(Alice));
        var frans = await scene.Core.SendAsync(new ListParkedWork(Fran));

        Assert.Equal(2, bobs.Total);
        Assert.Equal(2, bobs.Items.Count);
        var open = bobs.Items[0];
        Assert.Equal(("outbox.chat", "incident.announce", "INC-1", false, 1), (open.Topic, open.Kind, open.Incident?.Reference, open.Hidden, open.Attempts));
        Assert.Equal($"channel_not_found posting about incident {scene.Open.Id}", open.LastError);
        Assert.NotNull(open.ParkedAt);
        var secret = bobs.Items[1];
        Assert.Equal(("outbox.chat", "incident.announce", (ParkedWorkIncident?)null, true, 1), (secret.Topic, secret.Kind, secret.Incident, secret.Hidden, secret.Attempts));
        Assert.Null(secret.LastError);

        Assert.Equal(["INC-1", "INC-2"], alices.Items.Select(i => i.Incident?.Reference));
        Assert.Equal(["INC-1", "INC-2"], frans.Items.Select(i => i.Incident?.Reference));
        Assert.All(frans.Items, i => Assert.False(i.Hidden));
        Assert.Equal($"channel_not_found posting about incident {scene.Secret.Id}", frans.Items[1].LastError);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Facilitator_Discards_TheItemNeverRuns_AndASecondRetryOrDiscardIsRefused(string provider)
    {
        await using var scene = await Scene.StartAsync(provider);
        var parked = await scene.AnnounceOfAsync(scene.Secret);
        scene.Refusing = false;

        var reply = await scene.Core.SendAsync(new DiscardParkedWork(Fran, parked.Id));

        Assert.Equal($"Work item {parked.Id} (incident.announce) is discarded; it will not run.", reply);
        Assert.Equal(WorkStatus.Cancelled, (await scene.AnnounceOfAsync(scene.Secret)).Status);
        Assert.Equal(1, (await scene.Core.Queue.HealthAsync(scene.Now, CancellationToken.None)).Parked);
        Assert.Equal(["INC-1"], (await scene.Core.SendAsync(new ListParkedWork(Fran))).Items.Select(i => i.Incident?.Reference));
        scene.Core.Clock.Advance(TimeSpan.FromHours(1));
        await scene.DrainAsync();
        Assert.Equal(0, scene.AnnouncesRun(scene.Secret));

        var again = await Assert.ThrowsAsync<IncidentRuleException>(() => scene.Core.SendAsync(new RetryParkedWork(Fran, parked.Id)));
        Assert.Equal($"Work item {parked.Id} is not parked (someone may have retried or discarded it already).", again.Message);
        await Assert.ThrowsAsync<IncidentRuleException>(() => scene.Core.SendAsync(new DiscardParkedWork(Fran, parked.Id)));
        await Assert.ThrowsAsync<IncidentRuleException>(() => scene.Core.SendAsync(new RetryParkedWork(Fran, 999_999)));
    }
}
