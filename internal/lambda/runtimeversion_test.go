package lambda

import "testing"

// TestRuntimeVersionName: INIT_START names a runtime's version as AWS's
// "python:3.10.v11" does, for every runtime family's identifier shape.
func TestRuntimeVersionName(t *testing.T) {
	for in, want := range map[string]string{
		"python3.12":      "python:3.12.v1",
		"python3.9":       "python:3.9.v1",
		"nodejs20.x":      "nodejs:20.v1",
		"provided.al2023": "provided:al2023.v1",
		"provided":        "provided:1.v1",
		"java21":          "java:21.v1",
		"ruby3.3":         "ruby:3.3.v1",
		"dotnet8":         "dotnet:8.v1",
	} {
		if got := runtimeVersionName(in); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}
