package authz

import "context"

// Principals binds the IAM users and roles that a resource-based policy
// names by ARN to their unique ids when a service saves the policy, and
// shows them by ARN again, while they exist, when the service returns it:
// so that a successor created under a deleted entity's name is not granted
// what the policy granted its predecessor, and the policy then shows the
// predecessor's unique id, as AWS's do. The identity store implements it
// once for every service (Lambda, S3, SQS, SNS).
type Principals interface {
	BindPrincipals(ctx context.Context, doc string) (string, error)
	ShowPrincipals(ctx context.Context, doc string) (string, error)
}

// BindPrincipals is p.BindPrincipals, or doc as it is when p is nil.
func BindPrincipals(ctx context.Context, p Principals, doc string) (string, error) {
	if p == nil {
		return doc, nil
	}
	return p.BindPrincipals(ctx, doc)
}

// ShowPrincipals is p.ShowPrincipals, or doc as it is when p is nil.
func ShowPrincipals(ctx context.Context, p Principals, doc string) (string, error) {
	if p == nil {
		return doc, nil
	}
	return p.ShowPrincipals(ctx, doc)
}
