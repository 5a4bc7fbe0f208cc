// Package examples holds seki's runnable scenarios: function code, policy
// documents and AWS CLI scripts, one directory each (see README.md). They are
// embedded so that `seki demo` and the scenario tests run exactly these
// files, and the examples cannot drift from what is tested.
package examples

import (
	"embed"
	"io/fs"
)

//go:embed image-pipeline cross-account-trigger cross-account-caller
var files embed.FS

// FS returns the example directories, rooted at examples/.
func FS() fs.FS { return files }
