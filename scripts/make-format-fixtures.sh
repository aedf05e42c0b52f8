#!/usr/bin/env bash
# Regenerates testdata/formats: each sample policy of testdata/formats/src
# as text, Markdown, HTML and PDFs printed by pdfTeX (two columns,
# hyphenated), Chromium and LibreOffice. Needs soffice, chromium and
# pdflatex (texlive-latex-extra, lmodern). Tests need only the committed
# files. Usage: scripts/make-format-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in soffice chromium pdflatex; do
  command -v "$tool" >/dev/null || { echo "make-format-fixtures: $tool not found" >&2; exit 1; }
done
exec go run ./scripts/pdffixtures -set formats -src testdata/formats/src -out testdata/formats "$@"
