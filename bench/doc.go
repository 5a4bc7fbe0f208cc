// Package bench compares seki's IAM policy engine with cedar-go on an
// equivalent workload. It is a separate module so that the seki module
// itself does not depend on cedar-go.
package bench
