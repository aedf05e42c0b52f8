#!/usr/bin/env bash
# Makes sure moto_server (the S3/SQS/DynamoDB emulator behind `make dev` and
# the integration tests) can be run. It uses the one on PATH, else the one in
# the project's .venv, else tries to install it there with pip. Prints the
# directory to put on PATH (empty when it is already on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v moto_server >/dev/null 2>&1; then
  exit 0
fi
if [ -x .venv/bin/moto_server ]; then
  echo "$PWD/.venv/bin"
  exit 0
fi
echo "moto_server not found; installing it into .venv with pip ..." >&2
if python3 -m venv .venv >&2 && .venv/bin/pip install --quiet "moto[server]>=5,<6" >&2; then
  echo "$PWD/.venv/bin"
  exit 0
fi
rm -rf .venv
cat >&2 <<'MSG'
Could not install moto_server. Install it yourself and run the command again:
    pip install "moto[server]"
(Python 3.9 or newer; moto 5 is tested.)
MSG
exit 1
