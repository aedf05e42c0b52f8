#!/usr/bin/env bash
# cdk-check: synthesize the stack with the pinned CDK CLI exactly as
# `cdk deploy` would (real Lambda binaries, built by `make build` through
# cdk.json's "build" step), then check the templates:
#   1. cfn-lint: no errors, no warnings except the ignored ones below;
#   2. what `sam local invoke` / `sam local start-api` need: each function
#      under its readable logical ID, with asset metadata leading to a
#      directory whose `bootstrap` is an executable linux/arm64 binary.
# Besides the default stack it synthesizes two variants that switch on every
# optional resource (JWT authorizer, alarm email, key prefix, destroy
# removal policy; open API), so every template shape is linted.
# Works offline once Go modules and npm packages are installed.
set -euo pipefail
cd "$(dirname "$0")/.."

# cfn-lint rules ignored, with the reason:
#   W3005 "dependency already enforced by a GetAtt/Ref": aws-cdk-lib adds
#   explicit DependsOn edges (function -> role and its policy, the bucket
#   notification resource -> queue and queue policy) so that permissions
#   exist before the resource that needs them; the duplicates are harmless.
IGNORE_CHECKS=W3005

for tool in node npm cfn-lint python3; do
	command -v "$tool" >/dev/null || { echo "cdk-check: $tool not found (make cdk-check installs cfn-lint into .venv; node and npm: install Node.js 22 or 24 LTS)" >&2; exit 1; }
done
if [[ ! -x node_modules/.bin/cdk ]]; then
	npm ci --no-audit --no-fund
fi
cdk=node_modules/.bin/cdk

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name|stack name|extra context
variants=(
	"default|PolicyLens|"
	"jwt|PolicyLensCheckJwt|-c policylens:authMode=jwt -c policylens:jwtIssuer=https://issuer.example.com/ -c policylens:jwtAudience=client-a,client-b -c policylens:alarmEmail=ops@example.com -c policylens:keyPrefix=policies/ -c policylens:removalPolicy=destroy"
	"open|PolicyLensCheckOpen|-c policylens:authMode=none"
)

templates=()
for v in "${variants[@]}"; do
	IFS='|' read -r name stack extra <<<"$v"
	out=cdk.out
	if [[ $name != default ]]; then
		out=$work/$name
	fi
	echo "cdk-check: synthesizing $stack into $out"
	start=$SECONDS
	# shellcheck disable=SC2086 # $extra holds several -c options
	"$cdk" synth --quiet --output "$out" -c "policylens:stackName=$stack" $extra >"$work/$name.log" 2>&1 || {
		cat "$work/$name.log" >&2
		echo "cdk-check: cdk synth failed for $name" >&2
		exit 1
	}
	echo "cdk-check: synthesized $stack in $((SECONDS - start))s"
	# The app applies cdk-nag's AwsSolutions checks (errors fail the synth);
	# its report proves they ran.
	report=$out/AwsSolutions-$stack-NagReport.csv
	if ! grep -q '"Compliant"' "$report" 2>/dev/null; then
		echo "cdk-check: $report missing or empty: is the cdk-nag aspect applied in infra/main.go?" >&2
		exit 1
	fi
	templates+=("$out/$stack.template.json")
done

echo "cdk-check: cfn-lint ${templates[*]}"
cfn-lint --ignore-checks "$IGNORE_CHECKS" -- "${templates[@]}"

echo "cdk-check: checking what SAM needs"
python3 - "${templates[@]}" <<'PY'
import json, os, struct, sys

EM_AARCH64 = 183
failures = []
for path in sys.argv[1:]:
    out = os.path.dirname(path)
    resources = json.load(open(path))["Resources"]
    for fn in ("IngestFunction", "LookupFunction"):
        res = resources.get(fn)
        if not res or res["Type"] != "AWS::Lambda::Function":
            failures.append(f"{path}: no AWS::Lambda::Function {fn}")
            continue
        p, meta = res["Properties"], res.get("Metadata", {})
        if (p.get("Runtime"), p.get("Architectures"), p.get("Handler")) != ("provided.al2023", ["arm64"], "bootstrap"):
            failures.append(f"{path}: {fn} is not provided.al2023/arm64/bootstrap")
        if meta.get("aws:asset:property") != "Code" or not meta.get("aws:asset:path"):
            failures.append(f"{path}: {fn} lacks aws:asset:path/aws:asset:property metadata")
            continue
        binary = os.path.join(out, meta["aws:asset:path"], "bootstrap")
        try:
            with open(binary, "rb") as f:
                head = f.read(20)
        except OSError as e:
            failures.append(f"{path}: {fn}: {e}")
            continue
        if head[:4] != b"\x7fELF" or struct.unpack("<H", head[18:20])[0] != EM_AARCH64:
            failures.append(f"{path}: {fn}: {binary} is not a linux/arm64 ELF binary")
        elif not os.access(binary, os.X_OK):
            failures.append(f"{path}: {fn}: {binary} is not executable")
        else:
            print(f"  {os.path.basename(path)} {fn}: {binary} ({os.path.getsize(binary)} bytes, linux/arm64)")
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
PY
echo "cdk-check: ok"
