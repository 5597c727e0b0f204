using System.Text.Json.Nodes;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Blocks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Slack.Inbound;

/// <summary>A form to open with <c>views.open</c> once Slack has its ack, and whom to tell when it cannot be.</summary>
/// <param name="TriggerId">Valid for 3 s from the click or command.</param>
/// <param name="View">The modal.</param>
/// <param name="UserId">The person who asked for it (<c>U…</c>).</param>
/// <param name="ResponseUrl">Where to explain a failure, when the trigger came with one (commands, buttons, message actions).</param>
/// <param name="ChannelId">Otherwise the explanation goes to this channel (or the person's DM with the bot) as an ephemeral message.</param>
public sealed record SlackForm(string TriggerId, JsonObject View, string UserId, string? ResponseUrl, string? ChannelId);

/// <summary>Opens forms after their ack; when Slack will not open one, the person is told, never left with nothing.</summary>
public sealed class SlackForms(SlackApiClient api, SlackResponseUrlClient responses, ILogger<SlackForms> logger)
{
    public const string CannotOpen = "Slack is not answering the bot just now, so the form cannot open. Please try again in a minute.";

    public const string Refused = "Slack would not open the form (it allows a few seconds from your click or command). Please try again.";

    /// <summary>Opens <paramref name="form"/>; never throws (the ack has gone, nobody else would hear of it).</summary>
    public async Task OpenAsync(SlackForm form, CancellationToken cancellationToken)
    {
        string explanation;
        try
        {
            await api.OpenViewAsync(form.TriggerId, form.View, cancellationToken);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not open a Slack form for {User}", form.UserId);
            explanation = ex is SlackApiException or SlackRateLimitedException ? Refused : CannotOpen;
        }

        await TellAsync(form, explanation, cancellationToken);
    }

    private async Task TellAsync(SlackForm form, string explanation, CancellationToken cancellationToken)
    {
        try
        {
            if (form.ResponseUrl is { } responseUrl)
            {
                await responses.RespondAsync(responseUrl, new JsonObject
                {
                    ["response_type"] = "ephemeral",
                    ["replace_original"] = false,
                    ["text"] = SlackText.Escape(explanation),
                }, cancellationToken);
            }
            else
            {
                await api.PostEphemeralAsync(form.ChannelId ?? form.UserId, form.UserId, SlackText.Escape(explanation), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not tell {User} that their form did not open", form.UserId);
        }
    }
}

/// <summary>
/// Runs what must follow an ack in this process, right after the ack is sent (HTTP: once the response completed;
/// Socket Mode: once the ack frame went out). Not through the work queue: a trigger is dead 3 s after it was made.
/// </summary>
public sealed class SlackAfterAck(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<SlackAfterAck> logger)
{
    /// <summary>Starts opening <paramref name="form"/> in the background (it logs its own failures); returns at once.</summary>
    public void Open(SlackForm form) => _ = Task.Run(() => OpenAsync(form), CancellationToken.None);

    private async Task OpenAsync(SlackForm form)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<SlackForms>().OpenAsync(form, lifetime.ApplicationStopping);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Opening a Slack form after its ack failed");
        }
    }
}
