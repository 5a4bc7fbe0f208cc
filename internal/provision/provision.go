// Package provision fetches, once and on request (`seki runtimes install`),
// what Lambda's managed runtimes ship and a developer's machine may lack:
// the AWS SDK for Python (boto3) and for JavaScript v3 (@aws-sdk/client-*),
// and Node.js interpreters. Everything goes into a cache directory that
// the function runtime reads (internal/runtime); nothing is fetched while
// functions run.
//
// The cache's layout:
//
//	sdk/python/          boto3, botocore and their dependencies (a site-packages directory)
//	sdk/nodejs/          node_modules/@aws-sdk/client-*, ...
//	node/vN.M.P/bin/node Node.js interpreters
//
// Each SDK directory holds a SOURCE file, written last, saying where its
// content came from; a directory without one is incomplete and unused.
package provision

import (
	"fmt"
	"os"
	"path/filepath"
)

// Layout of the cache, shared with internal/runtime.
const (
	PythonSDK = "sdk/python"
	NodeSDK   = "sdk/nodejs"
	Nodes     = "node"
	// Marker is the file written last into a complete SDK directory.
	Marker = "SOURCE"
)

// NodeClients are the SDK for JavaScript v3 packages installed: the common
// clients (Lambda's Node.js runtimes ship all of them), the DynamoDB
// document client and the credential providers.
var NodeClients = []string{
	"@aws-sdk/client-sts", "@aws-sdk/client-s3", "@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb",
	"@aws-sdk/client-lambda", "@aws-sdk/client-sqs", "@aws-sdk/client-sns", "@aws-sdk/client-iam",
	"@aws-sdk/client-cloudwatch-logs", "@aws-sdk/credential-providers",
}

// PythonPackages are boto3 and everything it imports, as (import name,
// distribution name) pairs; all are pure Python.
var PythonPackages = [][2]string{
	{"boto3", "boto3"}, {"botocore", "botocore"}, {"s3transfer", "s3transfer"}, {"jmespath", "jmespath"},
	{"dateutil", "python_dateutil"}, {"urllib3", "urllib3"}, {"six", "six"},
}

// Installed reports whether the SDK directory rel of cache is complete,
// and what its SOURCE says.
func Installed(cache, rel string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(cache, rel, Marker))
	if err != nil {
		return "", false
	}
	return string(b), true
}

// replaceDir moves the finished directory tmp to final, replacing an older
// one, so that a reader never sees half of either.
func replaceDir(tmp, final string) error {
	old := final + ".old"
	os.RemoveAll(old)
	if _, err := os.Stat(final); err == nil {
		if err := os.Rename(final, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	os.RemoveAll(old)
	return nil
}

// tempDir makes a fresh sibling of final to build into.
func tempDir(final string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), ".tmp-"+filepath.Base(final)+"-")
	if err != nil {
		return "", err
	}
	// Functions read the cache: readable, not writable, by others.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	return tmp, nil
}

func writeMarker(dir, text string) error {
	return os.WriteFile(filepath.Join(dir, Marker), []byte(text), 0o644)
}

// errorf prefixes installation errors.
func errorf(format string, args ...any) error {
	return fmt.Errorf("seki runtimes install: "+format, args...)
}
