// Package fidelity replays facts recorded from real AWS against a running
// seki and scores how many seki answers exactly as AWS did.
//
// The facts come from LocalStack's snapshot files whose tests are listed in
// the sibling *.validation.json (validated against AWS). Only facts are kept
// — status, error code, message, error-body members, response keys — in
// seki's own format under testdata/, each case naming the snapshot file, the
// test, the recorded key and the source commit. The requests are seki's
// own, written from each test's intent. See FIDELITY.md at the repository
// root for the score and every known difference with its reason.
package fidelity
