// Package docscheck checks that the documentation describes the repository
// as it is: every package named in the README's code map exists, and every
// package of the tree is named there.
//
//	go test ./shared/local/docscheck
package docscheck
