// Package scenarios holds the end-to-end tests of the runnable scenarios in
// examples/: each runs a real seki and drives it with aws-sdk-go-v2, running
// the examples' own functions and policy documents. tests/python has the same
// scenarios through boto3 and the AWS CLI.
package scenarios
