#!/usr/bin/env bash
# Word-level fidelity of PDF extraction on the generated fixtures, against
# the source texts and against pdftotext (poppler-utils), which must be
# installed. Usage: scripts/pdf-fidelity.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pdftotext >/dev/null || { echo "pdf-fidelity: pdftotext not found (apt-get install poppler-utils)" >&2; exit 1; }
exec go run ./scripts/pdffidelity -dir testdata/pdf
