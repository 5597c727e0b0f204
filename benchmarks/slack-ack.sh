#!/usr/bin/env bash
# Starts the bot (Release, LiteDB, Slack over HTTP pointed at a local stand-in for Slack's API), sends signed
# slash commands at a fixed rate, and prints the ack latency and how long the work after the ack took.
# Usage: benchmarks/slack-ack.sh [requests-per-second] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
rate="${1:-1000}"
seconds="${2:-20}"
bot_port=5090
sink_port=5091
secret="bench-signing-secret"
work="$(mktemp -d /tmp/incidentbot-bench.XXXXXX)"
trap 'kill ${bot_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build -c Release src/IncidentBot -v q -nologo >/dev/null
dotnet build -c Release benchmarks/SlackAck -v q -nologo >/dev/null

Slack__BotToken=xoxb-bench Slack__SigningSecret="$secret" Slack__ApiBaseUrl="http://127.0.0.1:$sink_port/api/" \
Storage__Path="$work/bench.litedb" Logging__LogLevel__Default=Warning \
ASPNETCORE_ENVIRONMENT=Production \
  dotnet src/IncidentBot/bin/Release/net10.0/IncidentBot.dll --urls "http://127.0.0.1:$bot_port" >"$work/bot.log" 2>&1 &
bot_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$bot_port/readyz" >/dev/null && break
  sleep 0.2
done

echo "IncidentBot slash-command ack benchmark ($(nproc) cores, LiteDB, $(date -u +%Y-%m-%dT%H:%MZ))"
dotnet benchmarks/SlackAck/bin/Release/net10.0/SlackAck.dll "http://127.0.0.1:$bot_port" "$sink_port" "$secret" "$rate" "$seconds"
