using System.Globalization;
using System.Text;
using IncidentBot.Core.Commands;
using IncidentBot.Core.Domain;
using IncidentBot.Core.Features.ActionItems;
using IncidentBot.Core.Features.Channels;
using IncidentBot.Core.Features.Incidents;
using IncidentBot.Core.Features.Roles;
using IncidentBot.Core.Features.Timeline;
using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using MediatR;
using Microsoft.Extensions.Options;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Chat;

/// <summary>Where a command was typed: the platform (for finding an incident by channel), its channel, and an incident the surface already implies.</summary>
public sealed record ChatLocation(string Platform, string? ChannelId = null, string? TenantId = null, int? ImpliedIncident = null);

/// <summary>
/// One line of the command grammar, as typed in Slack, Teams or the console, with the surface's prefix taken off and its
/// mentions resolved (<see cref="CommandInput"/>). Parses it, finds the incident, sends the matching request and words the
/// reply in the neutral form of <see cref="ChatMarkup"/>, so that every surface behaves the same; adapters only carry text
/// in and render the reply out.
/// </summary>
public sealed record RunChatCommand(Actor Actor, CommandInput Input, ChatLocation Location)
    : IRequest<ChatReply>, IInputRequest, IAnswersRefusal<ChatReply>
{
    public ChatReply Refused(InputRefusedException refused) => ChatReply.Refusal(refused.Message, Location.ImpliedIncident);

    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Name, Location.Platform), new(InputField.PlatformId, Location.ChannelId), new(InputField.PlatformId, Location.TenantId), .. Input.Mentions.Where(m => m.Person is not null).SelectMany(m => new InputValue[] { new(InputField.PersonKey, m.Person!.PersonKey), new(InputField.DisplayName, m.Person.DisplayName) })];
}

public enum ReplyVisibility
{
    /// <summary>Only the person who typed sees it.</summary>
    Ephemeral,

    /// <summary>Everyone in the channel sees it.</summary>
    InChannel,
}

/// <summary>
/// What to say back, in the neutral form of <see cref="ChatMarkup"/>. <see cref="OpenDeclareForm"/>: the surface should open
/// its declare form instead (or say how to, where it has none). <see cref="IsRefusal"/>: nothing was done (the line did not
/// parse, or a rule refused it), so a surface that can keeps the typed line.
/// </summary>
public sealed record ChatReply(string Text, ReplyVisibility Visibility, int? IncidentNumber = null, bool OpenDeclareForm = false, bool IsRefusal = false)
{
    /// <summary>
    /// The reply only confirms a message the incident's channel gets anyway (an update): a surface without private
    /// replies leaves it out where that message appears, so the channel shows it once.
    /// </summary>
    public bool RepeatsChannelPost { get; init; }

    public static ChatReply Private(string text, int? incident = null) => new(text, ReplyVisibility.Ephemeral, incident);

    public static ChatReply Refusal(string text, int? incident = null) => new(text, ReplyVisibility.Ephemeral, incident, IsRefusal: true);

    public static ChatReply Public(string text, int? incident = null) => new(text, ReplyVisibility.InChannel, incident);
}

internal sealed class RunChatCommandHandler(
    IMediator mediator,
    IOptions<IncidentsOptions> incidentOptions,
    IPeopleStore people,
    TimeProvider clock,
    IIncidentLinks links) : IRequestHandler<RunChatCommand, ChatReply>
{
    private const int TimelineLines = 25;

    public async Task<ChatReply> Handle(RunChatCommand request, CancellationToken cancellationToken)
    {
        var options = incidentOptions.Value;
        var context = CommandContext.From(options);
        var parsed = CommandParser.Parse(request.Input, context);
        if (parsed is ParseFailure failure)
        {
            return ChatReply.Refusal(failure.Usage is null ? failure.Message : $"{failure.Message}\nUsage: {failure.Usage}");
        }

        var (named, command) = (ParsedCommand)parsed;
        var number = named ?? request.Location.ImpliedIncident;
        if (number is null && request.Location.ChannelId is { } channel)
        {
            number = await mediator.Send(new FindIncidentByChannel(request.Location.Platform, channel), cancellationToken);
        }

        if (command.RequiresIncident && number is null)
        {
            return ChatReply.Refusal(CommandHelp.HowToNameIncident(command.Name));
        }

        try
        {
            return await RunAsync(request.Actor, command, number, context, options, cancellationToken);
        }
        catch (IncidentNotFoundException notFound)
        {
            return ChatReply.Refusal(notFound.Message);
        }
        catch (IncidentRuleException rule)
        {
            return ChatReply.Refusal(rule.Message, number);
        }
    }

    private async Task<ChatReply> RunAsync(Actor actor, ChatCommand command, int? number, CommandContext context, IncidentsOptions options, CancellationToken ct)
    {
        var n = number ?? 0;
        switch (command)
        {
            case DeclareCommand { Title.Length: 0 }:
                return new ChatReply($"Give the incident a title.\nUsage: {CommandHelp.Usage("declare", context)}", ReplyVisibility.Ephemeral, OpenDeclareForm: true);

            case DeclareCommand declare:
                var declared = await mediator.Send(new DeclareIncident(actor, declare.Title, declare.Severity), ct);
                return ChatReply.Public(
                    $"{declared.Reference} declared ({declared.Severity}): {declared.Title}\n" +
                    $"Next: {ChatMarkup.Command($"{declared.Reference} role {options.LeadRole} me")} to lead it, " +
                    $"{ChatMarkup.Command($"{declared.Reference} update …")} to tell stakeholders.",
                    declared.Number);

            case StatusCommand { Message: { } message } status
                when status.Status != IncidentStatus.Resolved
                    && (await mediator.Send(new GetIncident(actor, n), ct)).Summary.Status == status.Status:
                // Saying the status again with a message means "still this, and here is the news": post it, don't drop it.
                var posted = await mediator.Send(new PostUpdate(actor, n, message), ct);
                return ChatReply.Private($"{posted.Reference} is already {status.Status.ToWord()}, so your message went out as an update: {message}", n);

            case StatusCommand status:
                var changed = await mediator.Send(new ChangeStatus(actor, n, status.Status, status.Message), ct);
                return ChatReply.Public($"{changed.Reference} is now {changed.Status.ToWord()}" + (string.IsNullOrWhiteSpace(status.Message) ? "." : $": {status.Message}"), n);

            case SeverityCommand severity:
                var sev = await mediator.Send(new ChangeSeverity(actor, n, severity.Severity), ct);
                return ChatReply.Public($"{sev.Reference} is now {sev.Severity}.", n);

            case RoleCommand role:
                var (key, name) = await ResolveAsync(role.Person, actor, ct);
                var assigned = await mediator.Send(new AssignRole(actor, n, role.Role, key, name), ct);
                var holderName = name ?? People.FallbackName(key);
                return ChatReply.Public($"{holderName} is now {options.CanonicalRole(role.Role) ?? role.Role} of {assigned.Reference}.", n);

            case RolesCommand:
                return ChatReply.Private(DescribeRoles(await mediator.Send(new GetIncident(actor, n), ct), options), n);

            case UpdateCommand update:
                var updated = await mediator.Send(new PostUpdate(actor, n, update.Text), ct);
                // The update itself is posted in the incident's channel (and announced); the reply only confirms it,
                // so the channel shows it once.
                return ChatReply.Private($"Update on {updated.Reference} ({updated.Status.ToWord()}) posted: {update.Text}", n) with { RepeatsChannelPost = true };

            case NoteCommand note:
                var added = await mediator.Send(new AddTimelineEntry(actor, n, note.Text), ct);
                return ChatReply.Private($"Added to {added.Incident.Reference}'s timeline as #{added.EntryId}.", n);

            case ActionCommand action:
                var owner = action.Owner is null ? ((string?)null, (string?)null) : await ResolveAsync(action.Owner, actor, ct);
                var withAction = await mediator.Send(new AddActionItem(actor, n, action.Text, owner.Item1, owner.Item2), ct);
                var ownerText = owner.Item1 is null ? string.Empty : $" (owner: {owner.Item2 ?? People.FallbackName(owner.Item1)})";
                return ChatReply.Public($"Action item on {withAction.Reference}{ownerText}: {action.Text}", n);

            case ActionItemCommand change:
                var changedItem = change.Change switch
                {
                    ActionItemChange.Done => await mediator.Send(new CloseActionItem(actor, n, change.Item, ActionItemStatus.Done), ct),
                    ActionItemChange.WontDo => await mediator.Send(new CloseActionItem(actor, n, change.Item, ActionItemStatus.WontDo, change.Reason), ct),
                    ActionItemChange.Reopen => await mediator.Send(new ReopenActionItem(actor, n, change.Item), ct),
                    ActionItemChange.Due => await mediator.Send(new SetActionItemDue(actor, n, change.Item, change.Due), ct),
                    _ => await mediator.Send(new LinkActionItem(actor, n, change.Item, change.Link!), ct),
                };
                return ChatReply.Public($"Follow-up #{changedItem.Item.Id} of {changedItem.Incident.Reference}: {DescribeActionItem(changedItem.Item)}", n);

            case ActionsCommand:
                var withItems = await mediator.Send(new GetIncident(actor, n), ct);
                return ChatReply.Private(withItems.ActionItems.Count == 0
                    ? $"{withItems.Summary.Reference} has no follow-ups. Add one with {ChatMarkup.Command("action <text> [@owner]")}."
                    : $"Follow-ups of {withItems.Summary.Reference}:\n" + string.Join('\n', withItems.ActionItems.Select(a => $"#{a.Id} {DescribeActionItem(a)}")), n);

            case ResolveCommand resolve:
                var resolved = await mediator.Send(new ResolveIncident(actor, n, resolve.Summary), ct);
                return ChatReply.Public($"{resolved.Reference} resolved" + (string.IsNullOrWhiteSpace(resolve.Summary) ? "." : $": {resolve.Summary}"), n);

            case CancelCommand cancel:
                var cancelled = await mediator.Send(new CancelIncident(actor, n, cancel.Reason), ct);
                return ChatReply.Public($"{cancelled.Reference} cancelled: {cancel.Reason}", n);

            case DuplicateCommand duplicate:
                var dup = await mediator.Send(new MarkDuplicate(actor, n, duplicate.OfIncidentNumber), ct);
                return ChatReply.Public($"{dup.Reference} is a duplicate of INC-{duplicate.OfIncidentNumber}; its timeline joined INC-{duplicate.OfIncidentNumber}.", n);

            case ReopenCommand:
                var reopened = await mediator.Send(new ReopenIncident(actor, n), ct);
                return ChatReply.Public($"{reopened.Reference} reopened ({reopened.Status.ToWord()}).", n);

            case SnoozeCommand snooze:
                return ChatReply.Private(await mediator.Send(new Nudges.SnoozeNudge(actor, n, snooze.Kind, snooze.Length), ct), n);

            case ImpactStartedCommand impact:
                var zone = options.Zone;
                var at = TimeSpecResolver.Resolve(impact.When, clock.GetUtcNow(), zone);
                var set = await mediator.Send(new SetImpactStarted(actor, n, at), ct);
                return ChatReply.Public($"Impact on {set.Reference} started {FormatTime(at.UtcDateTime, zone, withDate: true)}.", n);

            case ListCommand:
                return ChatReply.Private(DescribeList(await mediator.Send(new ListOpenIncidents(actor), ct), context), number);

            case TimelineCommand:
                return ChatReply.Private(DescribeTimeline(await mediator.Send(new GetIncident(actor, n), ct), options.Zone), n);

            case KeyMomentCommand moment:
                return ChatReply.Private(await mediator.Send(new Reviews.MarkKeyMoment(actor, n, moment.EntryId), ct), number);

            case ReviewCommand { Action: ReviewAction.Write } write:
                return ChatReply.Private(await mediator.Send(new Reviews.WriteReviewSection(actor, n, write.Section!, write.Text!, Append: true), ct), number);

            case ReviewCommand { Action: ReviewAction.Note or ReviewAction.Decision } note:
                return ChatReply.Public(await mediator.Send(new Reviews.RecordReviewNote(actor, n, note.Text!, note.Action == ReviewAction.Decision), ct), number);

            case ReviewCommand review:
                var (personKey, personName) = review.Person is null ? ((string?)null, (string?)null) : await ResolveAsync(review.Person, actor, ct);
                var answer = await mediator.Send(new Reviews.ManageReview(actor, number, review.Action, review.Date, review.Next, personKey, personName), ct);
                return review.Action is ReviewAction.Show or ReviewAction.Sessions ? ChatReply.Private(answer, number) : ChatReply.Public(answer, number);

            case HelpCommand help:
                return ChatReply.Private(help.Topic is { Length: > 0 } topic ? CommandHelp.Usage(topic, context) : CommandHelp.Overview(context), number);

            default:
                return ChatReply.Private(CommandHelp.Overview(context), number);
        }
    }

    /// <summary>
    /// "me" is the person typing; a mention is who the surface said; a plain name must match exactly one person the bot
    /// has already seen on the typer's platform (chat platforms have no look-up by name), or the command is refused.
    /// </summary>
    private async Task<(string Key, string? Name)> ResolveAsync(PersonTarget target, Actor actor, CancellationToken ct)
    {
        if (target.IsSelf)
        {
            return (actor.PersonKey, actor.DisplayName);
        }

        if (target.PersonKey is { } key)
        {
            return (key, target.DisplayName);
        }

        var name = target.DisplayName ?? string.Empty;
        var platform = PersonKey.TryParse(actor.PersonKey, out var p, out _) ? p : actor.PersonKey.Split(':')[0];
        var found = await people.FindByNameAsync(platform, name, 2, ct);
        return found.Count switch
        {
            1 => (found[0].Key, found[0].DisplayName),
            0 => throw new IncidentRuleException(
                $"I don't know anyone called '{TextScan.Echo(name)}' yet. @-mention them, so I can tell who they are."),
            _ => throw new IncidentRuleException(
                $"More than one person is called '{TextScan.Echo(name)}'. @-mention the one you mean."),
        };
    }

    internal static string FormatTime(DateTime utc, TimeZoneInfo zone, bool withDate)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        var zoneName = zone.Id is "UTC" or "Etc/UTC" ? "UTC" : zone.Id;
        return local.ToString(withDate ? "yyyy-MM-dd HH:mm" : "HH:mm", CultureInfo.InvariantCulture) + " " + zoneName;
    }

    private static string DescribeRoles(IncidentDetails incident, IncidentsOptions options)
    {
        var sb = new StringBuilder($"Roles on {incident.Summary.Reference}:");
        foreach (var role in options.Roles)
        {
            var holder = incident.Roles.FirstOrDefault(r => string.Equals(r.Role, role.Name, StringComparison.OrdinalIgnoreCase));
            sb.Append(CultureInfo.InvariantCulture, $"\n• {role.Name}: {holder?.Holder.Name ?? "(nobody yet)"}");
        }

        return sb.ToString();
    }

    private string DescribeList(OpenIncidents open, CommandContext context)
    {
        if (open.Total == 0)
        {
            return "No open incidents.";
        }

        var sb = new StringBuilder(open.NotShown > 0
            ? $"Open incidents ({open.Total}; the {open.Items.Count} most severe):"
            : $"Open incidents ({open.Total}):");
        foreach (var i in open.Items)
        {
            var lead = i.Lead is null ? $"no {i.LeadRole} yet" : $"{i.LeadRole}: {i.Lead.Name}";
            var privateMark = i.IsPrivate ? " · private" : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"\n• {i.Reference} · {i.Severity} · {i.Status.ToWord()} · {i.Title} ({lead}){privateMark}");
        }

        if (open.NotShown > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n… and {open.NotShown} more, not shown here: ");
            sb.Append(links.IndexUrl() is { } index
                ? $"the console lists them all, with search and filters: {index}?status=open"
                : $"name one to see it ({ChatMarkup.Command("INC-<n> timeline")}).");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\nAct on one from anywhere: {ChatMarkup.Command("INC-<n> <command>")}");
        return sb.ToString();
    }

    /// <summary>"Fix the db — open · owner Bob · due 2026-12-01 · https://…".</summary>
    private static string DescribeActionItem(ActionItemView item)
    {
        var parts = new List<string> { item.Status == ActionItemStatus.WontDo && item.Reason is { } reason ? $"won't do ({reason})" : item.StatusWord };
        if (item.Owner is { } owner)
        {
            parts.Add($"owner {owner.Name}");
        }

        if (item.DueOn is { } due)
        {
            parts.Add($"due {due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        }

        if (item.Link is { } link)
        {
            parts.Add(link);
        }

        return $"{item.Text} — {string.Join(" · ", parts)}";
    }

    private static string DescribeTimeline(IncidentDetails incident, TimeZoneInfo zone)
    {
        var entries = incident.Timeline;
        var shown = entries.Skip(Math.Max(0, entries.Count - TimelineLines)).ToList();
        var sb = new StringBuilder($"Timeline of {incident.Summary.Reference} ({incident.Summary.Status.ToWord()}, {incident.Summary.Severity}): {incident.Summary.Title}");
        if (shown.Count < entries.Count)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n(last {shown.Count} of {entries.Count} entries)");
        }

        foreach (var e in shown)
        {
            // The number is what `key <entry #>` takes; the star says which entries are key moments already.
            sb.Append(CultureInfo.InvariantCulture, $"\n#{e.Id}{(e.Key == true ? " ★" : string.Empty)} · {FormatTime(e.OccurredAt, zone, withDate: true)} · {e.Author.Name} · {TimelineLabels.Of(e.Kind)}: {e.Describe()}");
        }

        return sb.ToString();
    }
}
