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
using MediatR;
using Microsoft.Extensions.Options;
using IncidentBot.Core.Input;

namespace IncidentBot.Core.Features.Chat;

/// <summary>Where a command was typed: the platform, its channel, and an incident the surface already implies.</summary>
public sealed record ChatLocation(string Platform, string? ChannelId = null, string? TenantId = null, int? ImpliedIncident = null)
{
    public string CommandPrefix => Platform switch
    {
        "slack" => "/incident",
        "teams" => "@IncidentBot",
        _ => string.Empty,
    };
}

/// <summary>
/// One line of the command grammar, as typed in Slack (<c>/incident …</c>), Teams (<c>@IncidentBot …</c>) or the
/// console. Parses it, finds the incident, sends the matching request and words the reply, so that every
/// surface behaves the same; adapters only carry text in and the reply out.
/// </summary>
public sealed record RunChatCommand(
    Actor Actor,
    string? Text,
    ChatLocation Location,
    IReadOnlyDictionary<string, PersonMention>? TeamsMentions = null) : IRequest<ChatReply>, IInputRequest, IAnswersRefusal<ChatReply>
{
    public ChatReply Refused(InputRefusedException refused) => ChatReply.Private(refused.Message, Location.ImpliedIncident);

    public IEnumerable<InputValue> Inputs() => [.. InputValue.Of(Actor), new(InputField.Name, Location.Platform), new(InputField.PlatformId, Location.ChannelId), new(InputField.PlatformId, Location.TenantId), .. (TeamsMentions?.Values ?? Enumerable.Empty<PersonMention>()).SelectMany(p => new InputValue[] { new(InputField.PersonKey, p.PersonKey), new(InputField.DisplayName, p.DisplayName) })];
}

public enum ReplyVisibility
{
    /// <summary>Only the person who typed sees it.</summary>
    Ephemeral,

    /// <summary>Everyone in the channel sees it.</summary>
    InChannel,
}

/// <summary>What to say back. <see cref="OpenDeclareForm"/>: the platform should open its declare form instead.</summary>
public sealed record ChatReply(string Text, ReplyVisibility Visibility, int? IncidentNumber = null, bool OpenDeclareForm = false)
{
    public static ChatReply Private(string text, int? incident = null) => new(text, ReplyVisibility.Ephemeral, incident);

    public static ChatReply Public(string text, int? incident = null) => new(text, ReplyVisibility.InChannel, incident);
}

internal sealed class RunChatCommandHandler(
    IMediator mediator,
    IOptions<IncidentsOptions> incidentOptions,
    TimeProvider clock) : IRequestHandler<RunChatCommand, ChatReply>
{
    private const int TimelineLines = 25;

    public async Task<ChatReply> Handle(RunChatCommand request, CancellationToken cancellationToken)
    {
        var options = incidentOptions.Value;
        var context = new CommandContext(request.Location.Platform, request.Location.CommandPrefix, options.SeverityNames, options.RoleNames, request.TeamsMentions);
        var parsed = CommandParser.Parse(request.Text, context);
        if (parsed is ParseFailure failure)
        {
            return ChatReply.Private($"{failure.Message}\nUsage: {failure.Usage}");
        }

        var (named, command) = (ParsedCommand)parsed;
        var number = named ?? request.Location.ImpliedIncident;
        if (number is null && request.Location.ChannelId is { } channel)
        {
            number = await mediator.Send(new FindIncidentByChannel(request.Location.Platform, channel), cancellationToken);
        }

        if (command.RequiresIncident && number is null)
        {
            return ChatReply.Private(CommandHelp.HowToNameIncident(command.Name, context));
        }

        try
        {
            return await RunAsync(request.Actor, command, number, context, options, cancellationToken);
        }
        catch (IncidentNotFoundException notFound)
        {
            return ChatReply.Private(notFound.Message);
        }
        catch (IncidentRuleException rule)
        {
            return ChatReply.Private(rule.Message, number);
        }
    }

    private async Task<ChatReply> RunAsync(Actor actor, ChatCommand command, int? number, CommandContext context, IncidentsOptions options, CancellationToken ct)
    {
        var n = number ?? 0;
        switch (command)
        {
            case DeclareCommand { Title.Length: 0 }:
                return context.Platform == "slack"
                    ? new ChatReply(string.Empty, ReplyVisibility.Ephemeral, OpenDeclareForm: true)
                    : ChatReply.Private($"Give the incident a title.\nUsage: {CommandHelp.Usage("declare", context)}");

            case DeclareCommand declare:
                var declared = await mediator.Send(new DeclareIncident(actor, declare.Title, declare.Severity), ct);
                return ChatReply.Public(
                    $"{declared.Reference} declared ({declared.Severity}): {declared.Title}\n" +
                    $"Next: {Prefixed(context, $"{declared.Reference} role {options.LeadRole} me")} to lead it, " +
                    $"{Prefixed(context, $"{declared.Reference} update …")} to tell stakeholders.",
                    declared.Number);

            case StatusCommand status:
                var changed = await mediator.Send(new ChangeStatus(actor, n, status.Status, status.Message), ct);
                return ChatReply.Public($"{changed.Reference} is now {changed.Status.ToWord()}" + (string.IsNullOrWhiteSpace(status.Message) ? "." : $": {status.Message}"), n);

            case SeverityCommand severity:
                var sev = await mediator.Send(new ChangeSeverity(actor, n, severity.Severity), ct);
                return ChatReply.Public($"{sev.Reference} is now {sev.Severity}.", n);

            case RoleCommand role:
                var (key, name) = Resolve(role.Person, actor);
                var assigned = await mediator.Send(new AssignRole(actor, n, role.Role, key, name), ct);
                var holderName = name ?? People.FallbackName(key);
                return ChatReply.Public($"{holderName} is now {options.CanonicalRole(role.Role) ?? role.Role} of {assigned.Reference}.", n);

            case RolesCommand:
                return ChatReply.Private(DescribeRoles(await mediator.Send(new GetIncident(actor, n), ct), options), n);

            case UpdateCommand update:
                var updated = await mediator.Send(new PostUpdate(actor, n, update.Text), ct);
                // The update itself is posted in the incident's channel (and announced); the reply only confirms it,
                // so the channel shows it once.
                return ChatReply.Private($"Update on {updated.Reference} ({updated.Status.ToWord()}) posted: {update.Text}", n);

            case NoteCommand note:
                var added = await mediator.Send(new AddTimelineEntry(actor, n, note.Text), ct);
                return ChatReply.Private($"Added to {added.Incident.Reference}'s timeline.", n);

            case ActionCommand action:
                var owner = action.Owner is null ? ((string?)null, (string?)null) : Resolve(action.Owner, actor);
                var withAction = await mediator.Send(new AddActionItem(actor, n, action.Text, owner.Item1, owner.Item2), ct);
                var ownerText = owner.Item1 is null ? string.Empty : $" (owner: {owner.Item2 ?? People.FallbackName(owner.Item1)})";
                return ChatReply.Public($"Action item on {withAction.Reference}{ownerText}: {action.Text}", n);

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

            case ReviewCommand review:
                var (personKey, personName) = review.Person is null ? ((string?)null, (string?)null) : Resolve(review.Person, actor);
                var answer = await mediator.Send(new Reviews.ManageReview(actor, number, review.Action, review.Date, review.Next, personKey, personName), ct);
                return review.Action is ReviewAction.Show or ReviewAction.Sessions ? ChatReply.Private(answer, number) : ChatReply.Public(answer, number);

            case HelpCommand help:
                return ChatReply.Private(help.Topic is { Length: > 0 } topic ? CommandHelp.Usage(topic, context) : CommandHelp.Overview(context), number);

            default:
                return ChatReply.Private(CommandHelp.Overview(context), number);
        }
    }

    private static (string Key, string? Name) Resolve(PersonTarget target, Actor actor) =>
        target.IsSelf || target.PersonKey is null ? (actor.PersonKey, actor.DisplayName) : (target.PersonKey, target.DisplayName);

    private static string Prefixed(CommandContext context, string command) =>
        context.CommandPrefix.Length == 0 ? $"`{command}`" : $"`{context.CommandPrefix} {command}`";

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

    private static string DescribeList(IReadOnlyList<IncidentSummary> incidents, CommandContext context)
    {
        if (incidents.Count == 0)
        {
            return "No open incidents.";
        }

        var sb = new StringBuilder($"Open incidents ({incidents.Count}):");
        foreach (var i in incidents)
        {
            var lead = i.Lead is null ? $"no {i.LeadRole} yet" : $"{i.LeadRole}: {i.Lead.Name}";
            var privateMark = i.IsPrivate ? " · private" : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"\n• {i.Reference} · {i.Severity} · {i.Status.ToWord()} · {i.Title} ({lead}){privateMark}");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\nAct on one from anywhere: {Prefixed(context, "INC-<n> <command>")}");
        return sb.ToString();
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
            sb.Append(CultureInfo.InvariantCulture, $"\n{FormatTime(e.OccurredAt, zone, withDate: true)} · {e.Author.Name} · {TimelineLabels.Of(e.Kind)}: {e.Describe()}");
        }

        return sb.ToString();
    }
}
