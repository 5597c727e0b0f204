#!/usr/bin/env bash
# Times the incident review document for a resolved incident with 10,000 timeline entries (Release build):
# median and max milliseconds over 20 runs, MB allocated per document, peak working set, document size.
# Usage: benchmarks/review-doc.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/ReviewDoc/ReviewDoc.csproj"

# Build output is shown only when the build fails.
if ! build_log="$(dotnet build "$project" -c Release -nologo -v quiet 2>&1)"; then
  echo "$build_log" >&2
  exit 1
fi

dotnet run --project "$project" -c Release --no-build
