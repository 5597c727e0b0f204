using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack.SocketMode;

public sealed class SocketModeClientTests
{
    [Fact]
    public async Task Envelopes_of_each_type_are_dispatched_and_acked_with_their_ids()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var connection = await h.StartAndConnectAsync();

        await connection.SendAsync(FakeSocketConnection.Envelope("env-events", "events_api", """{"event":{"type":"app_mention","text":"hi"}}""", retryAttempt: 1, retryReason: "timeout"));
        Assert.Equal("env-events", Id(await connection.ReceiveJsonAsync()));
        await connection.SendEnvelopeAsync("env-slash", "slash_commands", """{"command":"/incident","text":"declare sev2"}""", acceptsResponsePayload: true);
        Assert.Equal("env-slash", Id(await connection.ReceiveJsonAsync()));
        await connection.SendEnvelopeAsync("env-interactive", "interactive", """{"type":"block_actions"}""");
        Assert.Equal("env-interactive", Id(await connection.ReceiveJsonAsync()));

        var dispatched = h.Dispatcher.Envelopes.ToArray();
        Assert.Equal(["events_api", "slash_commands", "interactive"], dispatched.Select(e => e.Type));
        Assert.Equal("app_mention", dispatched[0].Payload.GetProperty("event").GetProperty("type").GetString());
        Assert.Equal(1, dispatched[0].RetryAttempt);
        Assert.Equal("timeout", dispatched[0].RetryReason);
        Assert.False(dispatched[0].AcceptsResponsePayload);
        Assert.True(dispatched[1].AcceptsResponsePayload);
        Assert.Equal("/incident", dispatched[1].Payload.GetProperty("command").GetString());
        Assert.Equal(3, h.Client.Status.EnvelopesReceived);
        await TestTime.UntilAsync(() => h.Client.Status.EnvelopesAcked == 3, "three acks are counted");
    }

    [Fact]
    public async Task Hello_is_recorded_with_the_injected_clock()
    {
        var now = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
        await using var h = await SocketModeHarness.CreateAsync(clock: new FixedWallClock(now));
        var connection = await h.StartAndConnectAsync();

        Assert.Equal("?ticket=ticket-1&app_id=A123", connection.Query);
        Assert.Equal(now, h.Client.Status.LastHelloAt);
        Assert.Equal(1, h.Client.Status.ConnectedSockets);
        Assert.Equal(1, h.Client.Status.ConnectionsOpened);
    }

    [Theory]
    [InlineData("slash_commands", """{"command":"/incident","text":"status"}""")]
    [InlineData("interactive", """{"type":"view_submission","view":{"callback_id":"declare"}}""")]
    public async Task Response_payload_of_the_dispatcher_goes_into_the_ack_when_accepted(string type, string payload)
    {
        await using var h = await SocketModeHarness.CreateAsync();
        h.Dispatcher.Handler = (envelope, _) => Task.FromResult<JsonNode?>(
            envelope.Type == "interactive"
                ? new JsonObject { ["response_action"] = "errors", ["errors"] = new JsonObject { ["title"] = "Required" } }
                : new JsonObject { ["text"] = "All quiet." });
        var connection = await h.StartAndConnectAsync();

        await connection.SendEnvelopeAsync("env-1", type, payload, acceptsResponsePayload: true);
        var ack = await connection.ReceiveJsonAsync();

        Assert.Equal("env-1", Id(ack));
        var body = ack.GetProperty("payload");
        if (type == "interactive")
        {
            Assert.Equal("errors", body.GetProperty("response_action").GetString());
            Assert.Equal("Required", body.GetProperty("errors").GetProperty("title").GetString());
        }
        else
        {
            Assert.Equal("All quiet.", body.GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task Response_payload_is_left_out_when_the_envelope_does_not_accept_one()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        h.Dispatcher.Handler = (_, _) => Task.FromResult<JsonNode?>(new JsonObject { ["text"] = "ignored" });
        var connection = await h.StartAndConnectAsync();

        await connection.SendEnvelopeAsync("env-1", "events_api", acceptsResponsePayload: false);
        var ack = await connection.ReceiveJsonAsync();

        Assert.Equal("env-1", Id(ack));
        Assert.False(ack.TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task A_dispatcher_slower_than_the_ack_timeout_is_acked_without_payload_and_keeps_running()
    {
        await using var h = await SocketModeHarness.CreateAsync(o => o.AckTimeout = TimeSpan.FromMilliseconds(50));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Dispatcher.Handler = async (_, _) =>
        {
            await release.Task;
            finished.SetResult();
            return new JsonObject { ["text"] = "too late" };
        };
        var connection = await h.StartAndConnectAsync();

        await connection.SendEnvelopeAsync("env-slow", "slash_commands", """{"command":"/incident"}""", acceptsResponsePayload: true);
        var ack = await connection.ReceiveJsonAsync();

        Assert.Equal("env-slow", Id(ack));
        Assert.False(ack.TryGetProperty("payload", out _));
        Assert.False(finished.Task.IsCompleted);
        release.SetResult();
        await finished.Task.WaitAsync(FakeSocketModeServer.Patience);
        Assert.Contains(h.Logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("env-slow", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Envelopes_are_dispatched_concurrently_so_a_busy_dispatch_does_not_block_reading()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var secondDispatched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Dispatcher.Handler = async (envelope, cancellationToken) =>
        {
            if (envelope.EnvelopeId == "env-first")
            {
                await secondDispatched.Task.WaitAsync(FakeSocketModeServer.Patience, cancellationToken);
                return new JsonObject { ["text"] = "first" };
            }

            secondDispatched.SetResult();
            return null;
        };
        var connection = await h.StartAndConnectAsync();

        await connection.SendEnvelopeAsync("env-first", "slash_commands", acceptsResponsePayload: true);
        await connection.SendEnvelopeAsync("env-second", "events_api");

        // The first answers only once the second was dispatched; after that the two acks may come in either order.
        var acks = new[] { await connection.ReceiveJsonAsync(), await connection.ReceiveJsonAsync() }.ToDictionary(a => Id(a) ?? string.Empty);
        Assert.Equal(["env-first", "env-second"], acks.Keys.Order());
        Assert.Equal("first", acks["env-first"].GetProperty("payload").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("refresh_requested")]
    [InlineData("warning")]
    public async Task Disconnect_refresh_opens_a_new_connection_first_and_closes_the_old_after_its_hello(string reason)
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var old = await h.StartAndConnectAsync();
        h.Server.SendHelloOnConnect = false;

        await old.SendDisconnectAsync(reason);
        var replacement = await h.Server.NextConnectionAsync();
        Assert.Equal(2, h.Connector.Calls);
        Assert.Equal("?ticket=ticket-2&app_id=A123", replacement.Query);

        // Until the new socket says hello, the old one is still read and acks go back on it.
        await old.SendEnvelopeAsync("env-on-old", "events_api");
        Assert.Equal("env-on-old", Id(await old.ReceiveJsonAsync()));
        Assert.False(old.Closed.IsCompleted);

        await replacement.SendHelloAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await old.Closed.WaitAsync(FakeSocketModeServer.Patience));

        await replacement.SendEnvelopeAsync("env-on-new", "interactive");
        Assert.Equal("env-on-new", Id(await replacement.ReceiveJsonAsync()));
        await TestTime.UntilAsync(() => h.Client.Status.ConnectedSockets == 1, "only the new socket is connected");
        Assert.Equal(reason, h.Client.Status.LastDisconnectReason);
        Assert.Equal(2, h.Connector.Calls);
    }

    [Fact]
    public async Task An_envelope_in_flight_on_the_old_connection_is_acked_there_before_it_is_closed()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Dispatcher.Handler = async (envelope, cancellationToken) =>
        {
            if (envelope.EnvelopeId == "env-busy")
            {
                await release.Task.WaitAsync(FakeSocketModeServer.Patience, cancellationToken);
            }

            return null;
        };
        var old = await h.StartAndConnectAsync();
        h.Server.SendHelloOnConnect = false;

        await old.SendEnvelopeAsync("env-busy", "events_api");
        await h.Dispatcher.NextDispatchedAsync();
        await old.SendDisconnectAsync("refresh_requested");
        var replacement = await h.Server.NextConnectionAsync();
        await replacement.SendHelloAsync();
        release.SetResult();

        Assert.Equal("env-busy", Id(await old.ReceiveJsonAsync()));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await old.Closed.WaitAsync(FakeSocketModeServer.Patience));
    }

    [Fact]
    public async Task A_dropped_socket_is_reconnected_through_a_new_connections_open()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var first = await h.StartAndConnectAsync();

        first.Abort();
        var second = await h.Server.NextConnectionAsync();

        Assert.Equal(2, h.Connector.Calls);
        await second.SendEnvelopeAsync("env-after-drop", "events_api");
        Assert.Equal("env-after-drop", Id(await second.ReceiveJsonAsync()));
        await TestTime.UntilAsync(() => h.Client.Status.ConnectedSockets == 1, "one socket is connected");
    }

    [Fact]
    public async Task A_socket_closed_by_the_server_is_reconnected()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var first = await h.StartAndConnectAsync();

        await first.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "going away");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await first.Closed.WaitAsync(FakeSocketModeServer.Patience));
        var second = await h.Server.NextConnectionAsync();

        await second.SendEnvelopeAsync("env-after-close", "slash_commands");
        Assert.Equal("env-after-close", Id(await second.ReceiveJsonAsync()));
        Assert.Equal(2, h.Connector.Calls);
    }

    [Fact]
    public async Task Link_disabled_stops_the_client_without_reconnecting()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var connection = await h.StartAndConnectAsync();

        await connection.SendDisconnectAsync("link_disabled");

        await h.Client.ExecuteTask!.WaitAsync(FakeSocketModeServer.Patience);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.Closed.WaitAsync(FakeSocketModeServer.Patience));
        Assert.Equal(1, h.Connector.Calls);
        Assert.Equal(1, h.Server.ConnectionCount);
        Assert.True(h.Client.Status.LinkDisabled);
        Assert.Equal(0, h.Client.Status.ConnectedSockets);
        Assert.Contains(h.Logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("link_disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connections_open_failures_are_retried_with_backoff()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        h.Connector.FailFirst = 2;

        await h.StartAsync();
        var connection = await h.Server.NextConnectionAsync();

        Assert.Equal(3, h.Connector.Calls);
        await connection.SendEnvelopeAsync("env-1", "events_api");
        Assert.Equal("env-1", Id(await connection.ReceiveJsonAsync()));
        Assert.Equal(2, h.Logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("internal_error", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_message_fragmented_across_frames_is_assembled_then_acked()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var connection = await h.StartAndConnectAsync();
        var longText = new string('x', 20_000);

        await connection.SendEnvelopeAsync("env-fragmented", "events_api", $$$"""{"event":{"type":"message","text":"{{{longText}}}"}}""", parts: 7);

        Assert.Equal("env-fragmented", Id(await connection.ReceiveJsonAsync()));
        var envelope = Assert.Single(h.Dispatcher.Envelopes);
        Assert.Equal(longText, envelope.Payload.GetProperty("event").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Malformed_frames_are_ignored_and_the_next_envelope_is_still_acked()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var connection = await h.StartAndConnectAsync();

        await connection.SendAsync("""{"envelope_id":"env-broken","type":"events_api","payload":{""");
        await connection.SendAsync("not json at all");
        await connection.SendAsync("""["an","array"]""");
        await connection.SendAsync("""{"type":"events_api","payload":{}}""");
        await connection.SendEnvelopeAsync("env-good", "events_api");

        Assert.Equal("env-good", Id(await connection.ReceiveJsonAsync()));
        Assert.Equal("env-good", Assert.Single(h.Dispatcher.Envelopes).EnvelopeId);
        Assert.Equal(1, h.Client.Status.EnvelopesReceived);
        Assert.Equal(1, h.Connector.Calls);
    }

    [Fact]
    public async Task An_envelope_of_unknown_type_is_acked_without_payload_and_not_dispatched()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        h.Dispatcher.Handler = (_, _) => Task.FromResult<JsonNode?>(new JsonObject { ["text"] = "no" });
        var connection = await h.StartAndConnectAsync();

        await connection.SendEnvelopeAsync("env-odd", "something_new", acceptsResponsePayload: true);
        var ack = await connection.ReceiveJsonAsync();

        Assert.Equal("env-odd", Id(ack));
        Assert.False(ack.TryGetProperty("payload", out _));
        Assert.Empty(h.Dispatcher.Envelopes);
    }

    [Fact]
    public async Task A_failing_dispatch_is_not_acked_so_Slack_redelivers_it()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        h.Dispatcher.Handler = (envelope, _) => envelope.EnvelopeId == "env-fails"
            ? throw new InvalidOperationException("database down")
            : Task.FromResult<JsonNode?>(null);
        var connection = await h.StartAndConnectAsync();

        await connection.SendEnvelopeAsync("env-fails", "events_api");
        await connection.SendEnvelopeAsync("env-fine", "events_api");
        Assert.Equal("env-fine", Id(await connection.ReceiveJsonAsync()));

        // Stopping lets in-flight acks finish before the close frame: nothing else may have been sent.
        await h.StopAsync();
        await connection.Closed.WaitAsync(FakeSocketModeServer.Patience);
        Assert.Empty(connection.Unread());
        Assert.Contains(h.Logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("env-fails", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_dispatch_is_acked_without_payload_when_configured()
    {
        await using var h = await SocketModeHarness.CreateAsync(o => o.AckOnDispatcherFailure = true);
        h.Dispatcher.Handler = (_, _) => throw new InvalidOperationException("database down");
        var connection = await h.StartAndConnectAsync();

        await connection.SendEnvelopeAsync("env-fails", "slash_commands", acceptsResponsePayload: true);
        var ack = await connection.ReceiveJsonAsync();

        Assert.Equal("env-fails", Id(ack));
        Assert.False(ack.TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task Stopping_the_service_closes_the_socket_normally()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var connection = await h.StartAndConnectAsync();
        Assert.Equal(1, h.Client.Status.ConnectedSockets);

        await h.StopAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.Closed.WaitAsync(FakeSocketModeServer.Patience));
        Assert.True(h.Client.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(0, h.Client.Status.ConnectedSockets);
        Assert.Equal(1, h.Connector.Calls);
    }

    [Fact]
    public async Task Stopping_cancels_the_dispatch_token_and_leaves_the_envelope_unacked()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        h.Dispatcher.Handler = async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        };
        var connection = await h.StartAndConnectAsync();
        await connection.SendEnvelopeAsync("env-interrupted", "events_api");
        await h.Dispatcher.NextDispatchedAsync();

        await h.StopAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.Closed.WaitAsync(FakeSocketModeServer.Patience));
        Assert.Empty(connection.Unread());
    }

    [Fact]
    public async Task Another_disconnect_reason_keeps_the_socket_until_Slack_closes_it()
    {
        await using var h = await SocketModeHarness.CreateAsync();
        var first = await h.StartAndConnectAsync();

        await first.SendDisconnectAsync("too_many_websockets");
        await first.SendEnvelopeAsync("env-still-here", "events_api");
        Assert.Equal("env-still-here", Id(await first.ReceiveJsonAsync()));
        Assert.Equal("too_many_websockets", h.Client.Status.LastDisconnectReason);
        Assert.Equal(1, h.Connector.Calls);

        await first.CloseAsync(WebSocketCloseStatus.PolicyViolation, "too many");
        var second = await h.Server.NextConnectionAsync();
        Assert.Equal(2, h.Connector.Calls);
        await second.SendEnvelopeAsync("env-next", "events_api");
        Assert.Equal("env-next", Id(await second.ReceiveJsonAsync()));
    }

    [Fact]
    public async Task An_auth_error_from_connections_open_is_logged_as_an_error_and_retried()
    {
        await using var h = await SocketModeHarness.CreateAsync(o => o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(20));
        h.Connector.FailFirst = 1;
        h.Connector.FailureCode = "invalid_auth";

        await h.StartAsync();
        await h.Server.NextConnectionAsync();

        Assert.Equal(2, h.Connector.Calls);
        Assert.Contains(h.Logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("invalid_auth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_app_token_the_client_stays_off()
    {
        await using var h = await SocketModeHarness.CreateAsync(o => o.AppToken = "");

        await h.StartAsync();
        await h.Client.ExecuteTask!.WaitAsync(FakeSocketModeServer.Patience);

        Assert.Equal(0, h.Connector.Calls);
        Assert.Equal(0, h.Server.ConnectionCount);
    }

    private static string? Id(JsonElement ack) => ack.GetProperty("envelope_id").GetString();
}
