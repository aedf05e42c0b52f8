# policylens: see README.md. `make dev` runs the system locally, `make test` runs every check.
SHELL := /bin/bash
GO ?= go
FUNCTIONS := ingest lookup

.PHONY: build test unit

# Lambda binaries for provided.al2023 on arm64, as CDK and SAM expect them.
build:
	@for f in $(FUNCTIONS); do \
	  echo "building build/$$f/bootstrap"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags "-s -w" \
	    -o build/$$f/bootstrap ./functions/$$f || exit 1; \
	done

unit:
	$(GO) test ./...

test: unit

# --- CDK (infra/, cdk.json; see docs/deploy.md) ---------------------------
# The CDK CLI is pinned in package.json; `npm ci` installs it from package-lock.json.
CDK := node_modules/.bin/cdk
# Extra CDK options, e.g. CDK_FLAGS='-c policylens:alarmEmail=ops@example.com'.
CDK_FLAGS ?=

.PHONY: synth deploy diff cdk-test cdk-check

$(CDK): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# cdk.out/PolicyLens.template.json; cdk.json's "build" step runs `make build` first.
synth: $(CDK)
	$(CDK) synth --quiet $(CDK_FLAGS)

# Deploys to the account and region of your AWS credentials (bootstrap once first).
deploy: $(CDK)
	$(CDK) deploy $(CDK_FLAGS)

diff: $(CDK)
	$(CDK) diff $(CDK_FLAGS)

# Assertion and cdk-nag tests of the stack (also part of `go test ./...`).
cdk-test:
	$(GO) test ./infra/...

# CLI synth of the stack and two variants, cfn-lint, and the inputs SAM needs.
cdk-check: $(CDK)
	scripts/cdk-check.sh
