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
