// Package policy holds the types the rest of policylens talks in: the
// extracted document and its blocks, the clauses of an analysed policy with
// their label scores, its key facts and summary, and the stored versions and
// statuses of a policy object. It depends on nothing else in policylens, so
// that the service (store, lookup) and the analysis steps (extract, segment,
// classify, facts) share these types without depending on each other.
package policy
