#!/usr/bin/env bash
# Whether one policy gives the same clauses in every format: the sample
# policies of testdata/formats as Markdown, HTML and PDFs printed by pdfTeX
# (two columns, hyphenated), Chromium and LibreOffice, against their text
# version. With a directory argument, figures on the Markdown policies in it
# instead (e.g. ../shared/corpus/modern-policies).
# Usage: scripts/clause-fidelity.sh [-v] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
v=()
if [ "${1:-}" = "-v" ]; then v=(-v); shift; fi
if [ $# -gt 0 ]; then
  exec go run ./scripts/clausefidelity -corpus "$1"
fi
exec go run ./scripts/clausefidelity "${v[@]}" -dir testdata/formats
