// Package systemtest holds the whole-system tests of policylens: a policy
// uploaded to S3 travels through the queue to the ingest handler, into the
// table, and out of the lookup API, all against moto_server, with the
// handlers built exactly as the functions build them.
//
//	go test ./shared/local/systemtest
package systemtest
