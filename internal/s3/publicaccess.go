package s3

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// publicAccessBlock is a bucket's S3 Block Public Access configuration.
// New buckets have all four settings on, as in S3 since April 2023.
// BlockPublicAcls refuses public ACLs where a bucket's ownership allows
// ACLs, and IgnorePublicAcls keeps stored public grants out of the policy
// the door evaluates (acl.go).
type publicAccessBlock struct {
	BlockPublicAcls       bool `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `xml:"RestrictPublicBuckets"`
}

var defaultPublicAccessBlock = &publicAccessBlock{true, true, true, true}

var errNoSuchPublicAccessBlock = errNoSuchPublicAccessBlockCode

// encodePAB stores a configuration as four flags; "none" means deleted.
// NULL in the column (buckets from before this setting existed, and new
// ones) means the default.
func encodePAB(p *publicAccessBlock) string {
	if p == nil {
		return "none"
	}
	b := []byte("0000")
	for i, v := range []bool{p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets} {
		if v {
			b[i] = '1'
		}
	}
	return string(b)
}

func decodePAB(s *string) *publicAccessBlock {
	if s == nil {
		return defaultPublicAccessBlock
	}
	if *s == "none" || len(*s) != 4 {
		return nil
	}
	v := *s
	return &publicAccessBlock{v[0] == '1', v[1] == '1', v[2] == '1', v[3] == '1'}
}

func (s *Service) getPublicAccessBlock(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	if b.pab == nil {
		return nil, errNoSuchPublicAccessBlock.New(msgThePublicAccessBlock).With("BucketName", b.name)
	}
	var x xmlBuilder
	x.header()
	x.root("PublicAccessBlockConfiguration")
	x.elemBool("BlockPublicAcls", b.pab.BlockPublicAcls)
	x.elemBool("IgnorePublicAcls", b.pab.IgnorePublicAcls)
	x.elemBool("BlockPublicPolicy", b.pab.BlockPublicPolicy)
	x.elemBool("RestrictPublicBuckets", b.pab.RestrictPublicBuckets)
	x.close("PublicAccessBlockConfiguration")
	return xmlDoc{&x}, nil
}

func (s *Service) putPublicAccessBlock(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	var p publicAccessBlock
	if err := decodeXML(body, "PublicAccessBlockConfiguration", &p); err != nil {
		return nil, err
	}
	if err := s.updateBucket(ctx, b.name, func(tx *store.Tx, nb *bucket) error {
		nb.pab = &p
		_, err := tx.Exec(`UPDATE s3_buckets SET public_access_block = ? WHERE name = ?`, encodePAB(&p), nb.name)
		return err
	}); err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Service) deletePublicAccessBlock(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	if err := s.updateBucket(ctx, b.name, func(tx *store.Tx, nb *bucket) error {
		nb.pab = nil
		_, err := tx.Exec(`UPDATE s3_buckets SET public_access_block = ? WHERE name = ?`, encodePAB(nil), nb.name)
		return err
	}); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

// getPolicyStatus reports whether the bucket policy is public.
func (s *Service) getPolicyStatus(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	if b.policyDoc == nil {
		return nil, errNoSuchBucketPolicy.New(msgTheBucketPolicyDoes).With("BucketName", b.name)
	}
	var x xmlBuilder
	x.header()
	x.root("PolicyStatus")
	x.elemBool("IsPublic", b.policyPublic)
	x.close("PolicyStatus")
	return xmlDoc{&x}, nil
}

// blockedPublicPolicy is the denial of a public policy under
// BlockPublicPolicy. The wording follows S3's detailed access-denied
// messages (a best reconstruction; AWS does not document it verbatim).
func blockedPublicPolicy(r *protocol.Request, bucketName string) error {
	msg := "User: " + r.Caller.Principal.ARN + " is not authorized to perform: s3:PutBucketPolicy on resource: \"" +
		bucketARN(bucketName) + "\" because public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access."
	return errAccessDenied.New(msg)
}

// restrictedPolicy applies RestrictPublicBuckets: when a bucket has a
// public policy, only principals of the owner's account and AWS services
// get anything from it.
func restrictedPolicy(b *bucket, caller *policy.Principal) *policy.Policy {
	if b.policy == nil || !b.policyPublic || b.pab == nil || !b.pab.RestrictPublicBuckets {
		return b.policy
	}
	if caller != nil && (caller.Account == b.account || caller.Type == policy.Service) {
		return b.policy
	}
	return nil
}

// fixedKeys are the condition keys that, with fixed values, make a
// statement non-public ("The meaning of public" in the S3 User Guide).
var fixedKeys = map[string]bool{
	"aws:sourceip": true, "aws:sourcearn": true, "aws:sourcevpc": true, "aws:sourcevpce": true,
	"aws:sourceaccount": true, "aws:sourceowner": true, "aws:userid": true, "aws:principalarn": true,
	"aws:principalorgid": true, "aws:principalaccount": true, "aws:principalorgpaths": true,
	"aws:sourceorgid": true, "aws:sourceorgpaths": true, "s3:dataaccesspointarn": true,
	"s3:dataaccesspointaccount": true, "lambda:eventsourcetoken": true,
}

// isPublicPolicy reports whether a (valid) bucket policy grants public
// access: an Allow for every principal ("*") that no condition pins to
// fixed values of the keys above.
func isPublicPolicy(doc []byte) bool {
	var top struct {
		Statement json.RawMessage
	}
	if json.Unmarshal(doc, &top) != nil {
		return false
	}
	var stmts []map[string]json.RawMessage
	if json.Unmarshal(top.Statement, &stmts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(top.Statement, &one) != nil {
			return false
		}
		stmts = []map[string]json.RawMessage{one}
	}
	for _, st := range stmts {
		var effect string
		json.Unmarshal(st["Effect"], &effect)
		if effect != "Allow" {
			continue
		}
		if _, ok := st["NotPrincipal"]; !ok && !wildcardPrincipal(st["Principal"]) {
			continue
		}
		if !pinned(st["Condition"]) {
			return true
		}
	}
	return false
}

func wildcardPrincipal(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	aws, ok := m["AWS"]
	if !ok {
		return false
	}
	for _, v := range stringsOf(aws) {
		if v == "*" {
			return true
		}
	}
	return false
}

// pinned reports whether a Condition restricts one of the fixed keys to
// values without wildcards, with a positive operator.
func pinned(raw json.RawMessage) bool {
	var cond map[string]map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &cond) != nil {
		return false
	}
	for op, keys := range cond {
		o := strings.ToLower(op)
		if strings.Contains(o, "not") || strings.HasSuffix(o, "ifexists") || strings.HasPrefix(o, "forallvalues") || o == "null" {
			continue
		}
		for k, v := range keys {
			if !fixedKeys[strings.ToLower(k)] {
				continue
			}
			vals := stringsOf(v)
			fixed := len(vals) > 0
			for _, s := range vals {
				if strings.ContainsAny(s, "*?") || s == "0.0.0.0/0" || s == "::/0" {
					fixed = false
				}
			}
			if fixed {
				return true
			}
		}
	}
	return false
}

func stringsOf(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(raw, &many)
	return many
}
