#!/usr/bin/env bash
# Makes sure the Python tools policylens runs can be run: moto_server (the
# S3/SQS/DynamoDB/EventBridge emulator behind `make dev` and the integration
# tests), cfn-lint (template checks in `make test`) and aws (the AWS CLI, for
# `make upload`). Usage: scripts/ensure-tools.sh TOOL...
#
# Each tool is taken from PATH, else from the project's .venv, else
# installed into .venv with pip. Prints the directory to put on PATH (empty
# when every tool is on PATH already); says clearly what to do when a tool
# cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

# pip requirement of each tool.
declare -A pkg=(
  [moto_server]='moto[server]>=5,<6'
  [cfn-lint]='cfn-lint>=1,<2'
  [aws]='awscli>=1.29,<2'
)

venv=false
missing=()
for tool in "$@"; do
  [[ -n ${pkg[$tool]:-} ]] || { echo "ensure-tools: unknown tool $tool" >&2; exit 2; }
  if command -v "$tool" >/dev/null 2>&1; then
    continue
  elif [[ -x .venv/bin/$tool ]]; then
    venv=true
  else
    missing+=("$tool")
  fi
done

if ((${#missing[@]})); then
  reqs=()
  for tool in "${missing[@]}"; do reqs+=("${pkg[$tool]}"); done
  echo "ensure-tools: ${missing[*]} not found; installing ${reqs[*]} into .venv with pip ..." >&2
  command -v python3 >/dev/null 2>&1 || {
    echo "ensure-tools: python3 is needed to install ${missing[*]} (Python 3.9 or newer)" >&2; exit 1; }
  if { [[ -x .venv/bin/pip ]] || python3 -m venv .venv >&2; } &&
     .venv/bin/pip install --quiet --disable-pip-version-check "${reqs[@]}" >&2; then
    venv=true
  else
    cat >&2 <<MSG
ensure-tools: could not install ${missing[*]} into .venv (no network to PyPI, or no python3-venv?).
Install them yourself and run the command again:
    pip install ${reqs[*]@Q}
MSG
    exit 1
  fi
fi
if $venv; then
  echo "$PWD/.venv/bin"
fi
