// Package docscheck checks that the documentation describes the repository
// as it is, and that what it tells a reader to run runs:
//
//   - every package named in the code map of docs/architecture.md exists,
//     and every package under shared/ is named there;
//
//   - every relative link of README.md and docs/ resolves, #anchors
//     included;
//
//   - every sh block of README.md runs as printed, in order, in one bash -e
//     session at the repository's root, against a local system started as
//     `make dev` starts it. A block that cannot run there (make dev itself,
//     a deploy to AWS, SAM in Docker) is skipped only when the line before
//     it says so and why: <!-- docscheck: skip (reason) -->.
//
//     go test -v ./shared/local/docscheck    # -v lists the skipped blocks
package docscheck
