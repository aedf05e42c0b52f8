#!/usr/bin/env bash
# Regenerates testdata/pdf/*.pdf from the policy texts in testdata/pdf/src.
# Needs soffice (LibreOffice), chromium, pdflatex (with fancyhdr, lmodern),
# qpdf and gs. Tests need only the committed PDFs, not these tools.
# Usage: scripts/make-pdf-fixtures.sh [extra pdffixtures flags]
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in soffice chromium pdflatex qpdf gs; do
  command -v "$tool" >/dev/null || { echo "make-pdf-fixtures: $tool not found" >&2; exit 1; }
done
exec go run ./scripts/pdffixtures -src testdata/pdf/src -out testdata/pdf "$@"
