#!/usr/bin/env bash
# Whether one policy gives the same clauses in every format: the sample
# policies of testdata/formats as Markdown, HTML and PDFs printed by pdfTeX
# (two columns, hyphenated), Chromium and LibreOffice, against their text
# version. With a directory argument, figures on the Markdown policies in it
# instead (e.g. ../shared/corpus/modern-policies, from the repository root;
# figures only, no text).
# Usage: scripts/clause-fidelity.sh [-v] [DIR]
set -euo pipefail
v=()
if [ "${1:-}" = "-v" ]; then v=(-v); shift; fi
if [ $# -gt 0 ]; then
  corpus=$(cd "$1" && pwd)
  cd "$(dirname "$0")/.."
  exec go run ./scripts/clausefidelity -corpus "$corpus"
fi
cd "$(dirname "$0")/.."
exec go run ./scripts/clausefidelity "${v[@]}" -dir testdata/formats
