#!/usr/bin/env bash
# Times policylens against pdftotext (poppler-utils) on the same PDFs in one
# run, as the product runs it: CPU time (user + system) per file of the
# worker process that reads the PDF (and splits its clauses), kept from the
# file before and new, and of the whole analysis with the caller's
# classification, with the ratios to pdftotext's; then the peak memory of
# extracting the 200-page fixture.
# Usage: scripts/bench-pdf.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pdftotext >/dev/null || { echo "bench-pdf: pdftotext not found (apt-get install poppler-utils)" >&2; exit 1; }
runs=${1:-15}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pdfbench" ./scripts/pdfbench
files=(testdata/formats/*.pdf testdata/pdf/northwind-libreoffice.pdf testdata/pdf/brightleaf-chromium.pdf
  testdata/pdf/cobalt-pdflatex.pdf testdata/pdf/harbor-twocolumn.pdf testdata/pdf/many-pages.pdf)
echo "== CPU time (user + system), median of $runs runs (ratio = policylens / pdftotext)"
echo "   worker: the analysis worker process (PDF reading, then segmentation and key facts), kept from the"
echo "           file before, as the Lambda runs after its first file; new wkr: a new worker process for the file"
echo "   +caller: the calling process (sending the file, classifying the clauses); ratio of both together"
"$tmp/pdfbench" -n "$runs" "${files[@]}"

echo
echo "== peak resident memory, 200-page PDF (testdata/pdf/many-pages.pdf)"
if [ -x /usr/bin/time ]; then
  # With isolation (the default) the peak is the larger of the caller and
  # the worker process; in-process it is the extraction alone.
  POLICYLENS_ISOLATE_REUSE=off /usr/bin/time -f "policylens, worker process:  %M KB max RSS, %e s" "$tmp/pdfbench" -once testdata/pdf/many-pages.pdf
  POLICYLENS_PDF_ISOLATION=off /usr/bin/time -f "policylens, in-process:      %M KB max RSS, %e s" "$tmp/pdfbench" -once testdata/pdf/many-pages.pdf
  /usr/bin/time -f "pdftotext:                   %M KB max RSS, %e s" pdftotext testdata/pdf/many-pages.pdf /dev/null
else
  echo "(/usr/bin/time not installed; skipped)"
fi
