#!/usr/bin/env bash
# Builds the Teams app package (the zip you upload in Teams or the Developer Portal).
#
#   manifests/teams/build.sh <microsoft-app-id> <bot-domain> [out.zip]
#
# <microsoft-app-id>  the bot's Microsoft App ID (a GUID); it becomes the app id, bots[].botId and
#                     composeExtensions[].botId of the manifest
# <bot-domain>        host name the bot's links point at (Web:PublicBaseUrl), e.g. incidents.contoso.com;
#                     it replaces validDomains
# [out.zip]           default: artifacts/teams/incidentbot-teams.zip at the repository root
#
# manifest.json keeps parseable stand-ins (the all-zero GUID, incidents.example.com); this script writes a
# substituted copy to a temporary folder and zips it with both icons at the root of the archive.
set -euo pipefail

usage() {
  echo "usage: $0 <microsoft-app-id> <bot-domain> [out.zip]" >&2
  exit 2
}

[[ $# -ge 2 && $# -le 3 ]] || usage

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
app_id="$1"
domain="$2"
out="${3:-$repo/artifacts/teams/incidentbot-teams.zip}"

guid='^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$'
if [[ ! "$app_id" =~ $guid ]]; then
  echo "error: '$app_id' is not a GUID; pass the bot's Microsoft App ID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)" >&2
  exit 1
fi
if [[ "$app_id" == "00000000-0000-0000-0000-000000000000" ]]; then
  echo "error: the all-zero GUID is the stand-in in manifest.json; pass the bot's real Microsoft App ID" >&2
  exit 1
fi

# A host name (optionally *.wildcard and :port), no scheme or path: what validDomains expects.
host='^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$'
if [[ ! "$domain" =~ $host ]]; then
  echo "error: '$domain' is not a host name; pass e.g. incidents.contoso.com (no https://, no path)" >&2
  exit 1
fi

command -v python3 >/dev/null || { echo "error: python3 is needed to build the package" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$here/manifest.json" "$work/manifest.json" "$app_id" "$domain" <<'PY'
import json, sys

source, target, app_id, domain = sys.argv[1:5]
with open(source, encoding="utf-8") as f:
    manifest = json.load(f)

app_id = app_id.lower()
manifest["id"] = app_id
for bot in manifest.get("bots", []):
    bot["botId"] = app_id
for extension in manifest.get("composeExtensions", []):
    extension["botId"] = app_id
manifest["validDomains"] = [domain]
if "webApplicationInfo" in manifest:
    # Resource-specific consent (reading a channel's messages when an incident starts there) is granted to this app.
    manifest["webApplicationInfo"]["id"] = app_id
    manifest["webApplicationInfo"]["resource"] = f"https://{domain}"

with open(target, "w", encoding="utf-8") as f:
    json.dump(manifest, f, indent=2, ensure_ascii=False)
    f.write("\n")
PY

cp "$here/color.png" "$here/outline.png" "$work/"

mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
rm -f "$out"
# Paths are stored by base name, so all three files sit at the root of the zip as Teams requires.
(cd "$work" && python3 -m zipfile -c "$out" manifest.json color.png outline.png)

echo "wrote $out"
python3 -m zipfile -l "$out"
