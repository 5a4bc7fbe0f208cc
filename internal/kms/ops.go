package kms

import (
	"context"
	"crypto/rand"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// epoch is a timestamp as KMS's JSON carries it: seconds since the epoch.
type epoch float64

func at(t time.Time) epoch { return epoch(float64(t.UnixMilli()) / 1000) }

// keyMetadata is KeyMetadata, in the order the API model lists it.
type keyMetadata struct {
	AWSAccountId          string
	KeyId                 string
	Arn                   string
	CreationDate          epoch
	Enabled               bool
	Description           string
	KeyUsage              string
	KeyState              string
	DeletionDate          *epoch `json:",omitempty"`
	Origin                string
	KeyManager            string
	CustomerMasterKeySpec string
	KeySpec               string
	EncryptionAlgorithms  []string
	MultiRegion           bool
	CurrentKeyMaterialId  string
}

func metadata(k *key) keyMetadata {
	m := keyMetadata{AWSAccountId: k.account, KeyId: k.id, Arn: k.arn(), CreationDate: at(k.created), Enabled: k.state == "Enabled",
		Description: k.description, KeyUsage: k.usage, KeyState: k.state, Origin: k.origin, KeyManager: k.manager,
		CustomerMasterKeySpec: k.spec, KeySpec: k.spec, EncryptionAlgorithms: []string{"SYMMETRIC_DEFAULT"},
		CurrentKeyMaterialId: k.materialID()}
	if !k.deletion.IsZero() {
		d := at(k.deletion)
		m.DeletionDate = &d
	}
	return m
}

type keyMetadataOut struct{ KeyMetadata keyMetadata }

// keyIn is the input of the operations that name one key.
type keyIn struct {
	KeyId               string
	PendingWindowInDays *int
	PolicyName          *string
	Policy              *string
	Description         *string
	Tags                []tag
	TagKeys             []string
	ref                 ref
}

// decodeKeyIn reads a keyIn and parses its KeyId in the caller's account.
func decodeKeyIn(ctx context.Context, r *protocol.Request) (keyIn, error) {
	var in keyIn
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return in, err
	}
	if in.KeyId == "" {
		return in, errValidation.Errorf(msgRequired, "keyId")
	}
	in.ref = parseRef(r.Account(), r.Region, in.KeyId)
	return in, nil
}

// onKey is the Check of an operation on the key its input names, with
// the key's policy, and kms:CallerAccount.
func onKey[In any](s *Service, action string, ref func(In) ref) protocol.Auth[In] {
	return protocol.Check(action, func(ctx context.Context, r *protocol.Request, in In) (protocol.Target, error) {
		r.Context.Set("kms:CallerAccount", r.Account())
		return s.resource(ref(in)), nil
	})
}

func keyRefOf(in keyIn) ref { return in.ref }

// keyOp defines an operation on one key.
func keyOp(s *Service, name string, handle func(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error)) *protocol.Op {
	return protocol.Define(protocol.Spec[keyIn]{
		Name: name, Decode: decodeKeyIn, Auth: onKey(s, "kms:"+name, keyRefOf),
		Handle: func(ctx context.Context, r *protocol.Request, in keyIn) (any, error) {
			k, err := s.resolve(ctx, in.ref)
			if err != nil {
				return nil, err
			}
			return handle(ctx, r, in, k)
		},
	})
}

func (s *Service) ops() []*protocol.Op {
	return []*protocol.Op{
		protocol.Define(protocol.Spec[createKeyIn]{
			Name: "CreateKey", Decode: decodeCreateKey,
			Auth:   protocol.Check[createKeyIn]("kms:CreateKey", nil),
			Handle: s.createKey,
		}),
		keyOp(s, "DescribeKey", func(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
			return keyMetadataOut{metadata(k)}, nil
		}),
		protocol.Define(protocol.Spec[listIn]{
			Name: "ListKeys", Decode: decodeList,
			Auth:   protocol.Check[listIn]("kms:ListKeys", nil),
			Handle: s.listKeys,
		}),
		keyOp(s, "EnableKey", func(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
			return nil, s.setState(ctx, k, "Enabled")
		}),
		keyOp(s, "DisableKey", func(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
			return nil, s.setState(ctx, k, "Disabled")
		}),
		keyOp(s, "ScheduleKeyDeletion", s.scheduleDeletion),
		keyOp(s, "CancelKeyDeletion", s.cancelDeletion),
		keyOp(s, "UpdateKeyDescription", s.updateDescription),
		keyOp(s, "TagResource", s.tagResource),
		keyOp(s, "UntagResource", s.untagResource),
		keyOp(s, "ListResourceTags", func(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
			tags := k.tags
			if tags == nil {
				tags = []tag{}
			}
			return struct {
				Tags      []tag
				Truncated bool
			}{tags, false}, nil
		}),
		keyOp(s, "GetKeyPolicy", s.getKeyPolicy),
		keyOp(s, "PutKeyPolicy", s.putKeyPolicy),
		keyOp(s, "ListKeyPolicies", func(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
			return struct {
				PolicyNames []string
				Truncated   bool
			}{[]string{"default"}, false}, nil
		}),
		protocol.Define(protocol.Spec[aliasIn]{
			Name: "CreateAlias", Decode: decodeAlias(true),
			Auth: protocol.Check("kms:CreateAlias", func(ctx context.Context, r *protocol.Request, in aliasIn) (protocol.Target, error) {
				return protocol.Target{Resource: aliasARN(r.Account(), r.Region, in.AliasName)}, nil
			}),
			Handle: s.createAlias,
		}),
		protocol.Define(protocol.Spec[aliasIn]{
			Name: "UpdateAlias", Decode: decodeAlias(true),
			Auth: protocol.Check("kms:UpdateAlias", func(ctx context.Context, r *protocol.Request, in aliasIn) (protocol.Target, error) {
				return protocol.Target{Resource: aliasARN(r.Account(), r.Region, in.AliasName)}, nil
			}),
			Handle: s.updateAlias,
		}),
		protocol.Define(protocol.Spec[aliasIn]{
			Name: "DeleteAlias", Decode: decodeAlias(false),
			Auth: protocol.Check("kms:DeleteAlias", func(ctx context.Context, r *protocol.Request, in aliasIn) (protocol.Target, error) {
				return protocol.Target{Resource: aliasARN(r.Account(), r.Region, in.AliasName)}, nil
			}),
			Handle: s.deleteAlias,
		}),
		protocol.Define(protocol.Spec[listIn]{
			Name: "ListAliases", Decode: decodeList,
			Auth:   protocol.Check[listIn]("kms:ListAliases", nil),
			Handle: s.listAliases,
		}),
		protocol.Define(protocol.Spec[cryptoIn]{
			Name: "Encrypt", Decode: decodeCrypto("Encrypt"), Auth: onKey(s, "kms:Encrypt", cryptoRef),
			Handle: s.encrypt,
		}),
		protocol.Define(protocol.Spec[cryptoIn]{
			Name: "GenerateDataKey", Decode: decodeCrypto("GenerateDataKey"), Auth: onKey(s, "kms:GenerateDataKey", cryptoRef),
			Handle: s.generateDataKey,
		}),
		protocol.Define(protocol.Spec[cryptoIn]{
			Name: "GenerateDataKeyWithoutPlaintext", Decode: decodeCrypto("GenerateDataKey"),
			Auth: onKey(s, "kms:GenerateDataKeyWithoutPlaintext", cryptoRef), Handle: s.generateDataKey,
		}),
		protocol.Define(protocol.Spec[cryptoIn]{
			Name: "Decrypt", Decode: decodeCrypto("Decrypt"), Auth: onKey(s, "kms:Decrypt", cryptoRef),
			Handle: s.decrypt,
		}),
		protocol.Define(protocol.Spec[cryptoIn]{
			Name: "ReEncrypt", Decode: decodeCrypto("ReEncrypt"), Auth: onKey(s, "kms:ReEncryptFrom", cryptoRef),
			Handle: s.reEncrypt,
		}),
	}
}

// createKeyIn is CreateKey's input.
type createKeyIn struct {
	Policy                         *string
	Description                    string
	KeyUsage                       *string
	CustomerMasterKeySpec          *string
	KeySpec                        *string
	Origin                         *string
	BypassPolicyLockoutSafetyCheck bool
	Tags                           []tag
	MultiRegion                    bool
}

// The enums of CreateKey, as the API model lists them: the values
// accepted. AWS's refusal lists fewer (msgUsageList, msgSpecList).
const (
	usages  = "SIGN_VERIFY, ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, KEY_AGREEMENT"
	specs   = "RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, HMAC_384, HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87, ECC_NIST_EDWARDS25519"
	origins = "AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE"
)

func inEnum(v, set string) bool {
	for _, e := range strings.Split(set, ", ") {
		if e == v {
			return true
		}
	}
	return false
}

func decodeCreateKey(ctx context.Context, r *protocol.Request) (createKeyIn, error) {
	var in createKeyIn
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return in, err
	}
	usage, spec := "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT"
	if in.KeyUsage != nil {
		if usage = *in.KeyUsage; !inEnum(usage, usages) {
			return in, errValidation.Errorf(msgEnum, usage, "keyUsage", msgUsageList)
		}
	}
	for _, v := range []*string{in.CustomerMasterKeySpec, in.KeySpec} {
		if v == nil {
			continue
		}
		if spec = *v; !inEnum(spec, specs) {
			name := "keySpec"
			if v == in.CustomerMasterKeySpec {
				name = "customerMasterKeySpec"
			}
			return in, errValidation.Errorf(msgEnum, spec, name, msgSpecList)
		}
	}
	if in.KeyUsage == nil && spec != "SYMMETRIC_DEFAULT" {
		return in, errValidation.New(msgKeyUsageRequired)
	}
	if err := checkTags(in.Tags); err != nil {
		return in, err
	}
	if in.Origin != nil && !inEnum(*in.Origin, origins) {
		return in, errValidation.Errorf(msgEnum, *in.Origin, "origin", origins)
	}
	symmetric := spec == "SYMMETRIC_DEFAULT"
	switch {
	case symmetric && usage != "ENCRYPT_DECRYPT",
		strings.HasPrefix(spec, "HMAC_") && usage != "GENERATE_VERIFY_MAC",
		strings.HasPrefix(spec, "ECC_") && usage == "GENERATE_VERIFY_MAC",
		strings.HasPrefix(spec, "ML_DSA") && usage != "SIGN_VERIFY":
		return in, errValidation.Errorf(msgUsageSpec, usage, spec)
	}
	if !symmetric {
		return in, errUnsupported.Errorf(msgOnlySymmetric, "KeySpec "+spec)
	}
	if in.Origin != nil && *in.Origin != "AWS_KMS" {
		return in, errUnsupported.Errorf(msgOnlySymmetric, "Origin "+*in.Origin)
	}
	if in.MultiRegion {
		return in, errUnsupported.Errorf(msgOnlySymmetric, "MultiRegion")
	}
	return in, nil
}

// maxTags is how many tags a key may have.
// source: snapshot tests/aws/services/kms/test_kms.snapshot.json#tests/aws/services/kms/test_kms.py::TestKMS::test_create_key_with_too_many_tags_raises_error
const maxTags = 50

// checkTags validates tags as KMS does: lengths first (the request's
// validation, numbered from 1 as AWS's messages are), then the number of
// tags, the reserved aws: prefix (in any case) and duplicate keys.
func checkTags(tags []tag) error {
	for i, t := range tags {
		if len(t.TagKey) > 128 {
			return errValidation.Errorf(msgTagKeyLength, t.TagKey, i+1)
		}
		if len(t.TagValue) > 256 {
			return errValidation.Errorf(msgTagValueLength, t.TagValue, i+1)
		}
	}
	if len(tags) > maxTags {
		return errTag.New(msgTooManyTags)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t.TagKey), "aws:") {
			return errTag.New(msgTagReserved)
		}
		if seen[t.TagKey] {
			return errTag.New(msgTagDuplicate)
		}
		seen[t.TagKey] = true
	}
	return nil
}

func (s *Service) createKey(ctx context.Context, r *protocol.Request, in createKeyIn) (any, error) {
	doc := defaultPolicy(r.Account())
	if in.Policy != nil {
		doc = *in.Policy
	}
	k, err := s.newKey(r.Account(), r.Region, in.Description, "CUSTOMER", doc)
	if err != nil {
		return nil, err
	}
	k.tags = in.Tags
	if err := s.putKey(ctx, k); err != nil {
		return nil, err
	}
	return keyMetadataOut{metadata(k)}, nil
}

// change applies fn to a copy of the key as it is now and stores it.
func (s *Service) change(ctx context.Context, k *key, fn func(c *key) error) (*key, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	cur := s.keyByID(k.account, k.region, k.id)
	if cur == nil {
		cur = k
	}
	c := cur.clone()
	if err := fn(c); err != nil {
		return nil, err
	}
	return c, s.putKey(ctx, c)
}

// customerOnly refuses to manage an AWS managed key.
func customerOnly(k *key) error {
	if k.manager == "AWS" {
		return errUnsupported.Errorf(msgManagedKey, k.arn())
	}
	return nil
}

func (s *Service) setState(ctx context.Context, k *key, state string) error {
	_, err := s.change(ctx, k, func(c *key) error {
		if err := customerOnly(c); err != nil {
			return err
		}
		if c.state == "PendingDeletion" {
			return ErrInvalidState.Errorf(msgPendingDeletion, c.arn())
		}
		c.state = state
		return nil
	})
	return err
}

func (s *Service) scheduleDeletion(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
	days := 30
	if in.PendingWindowInDays != nil {
		if days = *in.PendingWindowInDays; days < 7 || days > 30 {
			return nil, errValidation.Errorf(msgPendingWindow, days)
		}
	}
	c, err := s.change(ctx, k, func(c *key) error {
		if err := customerOnly(c); err != nil {
			return err
		}
		if c.state == "PendingDeletion" {
			return ErrInvalidState.Errorf(msgPendingDeletion, c.arn())
		}
		c.state, c.pendingDays = "PendingDeletion", days
		c.deletion = r.Now.UTC().Truncate(time.Millisecond).Add(time.Duration(days) * 24 * time.Hour)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		KeyId               string
		DeletionDate        epoch
		KeyState            string
		PendingWindowInDays int
	}{c.arn(), at(c.deletion), c.state, days}, nil
}

func (s *Service) cancelDeletion(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
	c, err := s.change(ctx, k, func(c *key) error {
		if c.state != "PendingDeletion" {
			return ErrInvalidState.Errorf(msgNotPendingDeletion, c.arn())
		}
		// A key whose deletion is cancelled is Disabled, as in AWS.
		c.state, c.deletion, c.pendingDays = "Disabled", time.Time{}, 0
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{ KeyId string }{c.arn()}, nil
}

func (s *Service) updateDescription(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
	if in.Description == nil {
		return nil, errValidation.Errorf(msgRequired, "description")
	}
	_, err := s.change(ctx, k, func(c *key) error {
		c.description = *in.Description
		return nil
	})
	return nil, err
}

// tagResource adds tags to a key, replacing the values of keys it has,
// in place (ListResourceTags keeps the order they were first given in).
func (s *Service) tagResource(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
	if err := customerOnly(k); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	_, err := s.change(ctx, k, func(c *key) error {
		tags := append([]tag(nil), c.tags...)
	next:
		for _, t := range in.Tags {
			for i := range tags {
				if tags[i].TagKey == t.TagKey {
					tags[i].TagValue = t.TagValue
					continue next
				}
			}
			tags = append(tags, t)
		}
		if len(tags) > maxTags {
			return errTag.New(msgTooManyTags)
		}
		c.tags = tags
		return nil
	})
	return nil, err
}

// untagResource removes the tags of the keys given (unknown keys are no
// error).
func (s *Service) untagResource(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
	if err := customerOnly(k); err != nil {
		return nil, err
	}
	if in.TagKeys == nil {
		return nil, errValidation.Errorf(msgRequired, "tagKeys")
	}
	_, err := s.change(ctx, k, func(c *key) error {
		drop := make(map[string]bool, len(in.TagKeys))
		for _, tk := range in.TagKeys {
			drop[tk] = true
		}
		var tags []tag
		for _, t := range c.tags {
			if !drop[t.TagKey] {
				tags = append(tags, t)
			}
		}
		c.tags = tags
		return nil
	})
	return nil, err
}

func policyName(in keyIn) error {
	if in.PolicyName != nil && *in.PolicyName != "default" {
		return errValidation.Errorf(msgPolicyName, *in.PolicyName)
	}
	return nil
}

func (s *Service) getKeyPolicy(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
	if err := policyName(in); err != nil {
		return nil, err
	}
	return struct {
		Policy     string
		PolicyName string
	}{k.policyDoc, "default"}, nil
}

func (s *Service) putKeyPolicy(ctx context.Context, r *protocol.Request, in keyIn, k *key) (any, error) {
	if err := policyName(in); err != nil {
		return nil, err
	}
	if in.Policy == nil {
		return nil, errValidation.Errorf(msgRequired, "policy")
	}
	p, err := policy.Parse([]byte(*in.Policy), policy.Key)
	if err != nil {
		return nil, errMalformedPolicy.New(err.Error())
	}
	_, err = s.change(ctx, k, func(c *key) error {
		if err := customerOnly(c); err != nil {
			return err
		}
		c.policyDoc, c.policy = *in.Policy, p
		return nil
	})
	return nil, err
}

// listIn is ListKeys' and ListAliases' input.
type listIn struct {
	Limit  *int
	Marker string
	KeyId  string
}

func decodeList(ctx context.Context, r *protocol.Request) (listIn, error) {
	var in listIn
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return in, err
	}
	if in.Limit != nil && (*in.Limit < 1 || *in.Limit > 1000) {
		return in, errValidation.Errorf(msgLimit, *in.Limit)
	}
	return in, nil
}

// page returns the window of n items from marker (an index) on, and the
// next marker ("" at the end).
func page(n int, in listIn) (from, to int, next string, err error) {
	limit := 100
	if in.Limit != nil {
		limit = *in.Limit
	}
	if in.Marker != "" {
		if from, err = strconv.Atoi(in.Marker); err != nil || from < 0 || from > n {
			return 0, 0, "", errInvalidMarker.New(msgMarker)
		}
	}
	to = min(from+limit, n)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next, nil
}

type keyListEntry struct {
	KeyId  string
	KeyArn string
}

func (s *Service) listKeys(ctx context.Context, r *protocol.Request, in listIn) (any, error) {
	keys := s.sortedKeys(r.Account(), r.Region)
	from, to, next, err := page(len(keys), in)
	if err != nil {
		return nil, err
	}
	out := struct {
		Keys       []keyListEntry
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{Keys: []keyListEntry{}, NextMarker: next, Truncated: next != ""}
	for _, k := range keys[from:to] {
		out.Keys = append(out.Keys, keyListEntry{k.id, k.arn()})
	}
	return out, nil
}

// aliasIn is the input of the alias operations.
type aliasIn struct {
	AliasName   string
	TargetKeyId string
}

func decodeAlias(target bool) func(ctx context.Context, r *protocol.Request) (aliasIn, error) {
	return func(ctx context.Context, r *protocol.Request) (aliasIn, error) {
		var in aliasIn
		if err := protocol.DecodeJSON(r.Body, &in); err != nil {
			return in, err
		}
		if in.AliasName == "" {
			return in, errValidation.Errorf(msgRequired, "aliasName")
		}
		for _, c := range in.AliasName {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(":/_-", c)) {
				return in, errValidation.Errorf(msgAliasPattern, in.AliasName)
			}
		}
		if !strings.HasPrefix(in.AliasName, "alias/") {
			return in, errValidation.New(msgAliasPrefix)
		}
		if target && in.TargetKeyId == "" {
			return in, errValidation.Errorf(msgRequired, "targetKeyId")
		}
		return in, nil
	}
}

// aliasTarget resolves TargetKeyId (a key, never an alias) and authorizes
// action on it: an alias operation needs the permission on the alias and
// on the key.
func (s *Service) aliasTarget(ctx context.Context, r *protocol.Request, action, id string) (*key, error) {
	rf := parseRef(r.Account(), r.Region, id)
	if rf.alias != "" {
		return nil, errValidation.New(msgAliasTarget)
	}
	r.Context.Set("kms:CallerAccount", r.Account())
	if err := r.Authorize(ctx, action, s.resource(rf), nil); err != nil {
		return nil, err
	}
	return s.resolve(ctx, rf)
}

func (s *Service) createAlias(ctx context.Context, r *protocol.Request, in aliasIn) (any, error) {
	if strings.HasPrefix(in.AliasName, "alias/aws/") {
		return nil, errValidation.New(msgAliasReserved)
	}
	k, err := s.aliasTarget(ctx, r, "kms:CreateAlias", in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.aliasByName(r.Account(), r.Region, in.AliasName) != nil {
		return nil, errAlreadyExists.Errorf(msgAliasExists, aliasARN(r.Account(), r.Region, in.AliasName))
	}
	now := r.Now.UTC()
	return nil, s.putAlias(ctx, &alias{account: r.Account(), region: r.Region, name: in.AliasName, target: k.id, created: now, updated: now}, false)
}

func (s *Service) updateAlias(ctx context.Context, r *protocol.Request, in aliasIn) (any, error) {
	k, err := s.aliasTarget(ctx, r, "kms:UpdateAlias", in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	a := s.aliasByName(r.Account(), r.Region, in.AliasName)
	if a == nil {
		return nil, ErrNotFound.Errorf(msgAliasNotFound, aliasARN(r.Account(), r.Region, in.AliasName))
	}
	// The alias's current key must allow it too.
	if old := s.keyByID(a.account, a.region, a.target); old != nil {
		if err := r.Authorize(ctx, "kms:UpdateAlias", protocol.Target{Resource: old.arn(), Policy: old.policy}, nil); err != nil {
			return nil, err
		}
	}
	c := *a
	c.target, c.updated = k.id, r.Now.UTC()
	return nil, s.putAlias(ctx, &c, false)
}

func (s *Service) deleteAlias(ctx context.Context, r *protocol.Request, in aliasIn) (any, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	a := s.aliasByName(r.Account(), r.Region, in.AliasName)
	if a == nil {
		return nil, ErrNotFound.Errorf(msgAliasNotFound, aliasARN(r.Account(), r.Region, in.AliasName))
	}
	if k := s.keyByID(a.account, a.region, a.target); k != nil {
		if err := r.Authorize(ctx, "kms:DeleteAlias", protocol.Target{Resource: k.arn(), Policy: k.policy}, nil); err != nil {
			return nil, err
		}
	}
	return nil, s.putAlias(ctx, a, true)
}

type aliasEntry struct {
	AliasName       string
	AliasArn        string
	TargetKeyId     string
	CreationDate    epoch
	LastUpdatedDate epoch
}

func (s *Service) listAliases(ctx context.Context, r *protocol.Request, in listIn) (any, error) {
	all := s.sortedAliases(r.Account(), r.Region)
	if in.KeyId != "" {
		k, err := s.resolve(ctx, parseRef(r.Account(), r.Region, in.KeyId))
		if err != nil {
			return nil, err
		}
		var mine []*alias
		for _, a := range all {
			if a.target == k.id {
				mine = append(mine, a)
			}
		}
		all = mine
	}
	from, to, next, err := page(len(all), in)
	if err != nil {
		return nil, err
	}
	out := struct {
		Aliases    []aliasEntry
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{Aliases: []aliasEntry{}, NextMarker: next, Truncated: next != ""}
	for _, a := range all[from:to] {
		out.Aliases = append(out.Aliases, aliasEntry{a.name, aliasARN(a.account, a.region, a.name), a.target, at(a.created), at(a.updated)})
	}
	return out, nil
}

// cryptoIn is the input of the cryptographic operations.
type cryptoIn struct {
	KeyId                          string
	Plaintext                      []byte
	CiphertextBlob                 []byte
	EncryptionContext              map[string]string
	EncryptionAlgorithm            *string
	KeySpec                        *string
	NumberOfBytes                  *int
	SourceKeyId                    string
	SourceEncryptionContext        map[string]string
	SourceEncryptionAlgorithm      *string
	DestinationKeyId               string
	DestinationEncryptionContext   map[string]string
	DestinationEncryptionAlgorithm *string
	GrantTokens                    []string
	DryRun                         bool

	ref  ref  // the key authorized first: KeyId, or the blob's (Decrypt, ReEncrypt)
	blob blob // the parsed CiphertextBlob
}

func cryptoRef(in cryptoIn) ref { return in.ref }

func checkAlgorithm(v *string) error {
	if v != nil && !inEnum(*v, "SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE") {
		return errValidation.Errorf(msgAlgorithm, *v)
	}
	return nil
}

// decodeCrypto reads and validates the input of op; the key it names
// first is the blob's for Decrypt and ReEncrypt (with KeyId or SourceKeyId
// only a check), the given key's otherwise.
func decodeCrypto(op string) func(ctx context.Context, r *protocol.Request) (cryptoIn, error) {
	return func(ctx context.Context, r *protocol.Request) (cryptoIn, error) {
		var in cryptoIn
		if err := protocol.DecodeJSON(r.Body, &in); err != nil {
			return in, err
		}
		for _, a := range []*string{in.EncryptionAlgorithm, in.SourceEncryptionAlgorithm, in.DestinationEncryptionAlgorithm} {
			if err := checkAlgorithm(a); err != nil {
				return in, err
			}
		}
		switch op {
		case "Encrypt", "GenerateDataKey":
			if in.KeyId == "" {
				return in, errValidation.Errorf(msgRequired, "keyId")
			}
			if op == "Encrypt" {
				if in.Plaintext == nil {
					return in, errValidation.Errorf(msgRequired, "plaintext")
				}
				if len(in.Plaintext) == 0 {
					return in, errValidation.New(msgPlaintextEmpty)
				}
				if len(in.Plaintext) > 4096 {
					return in, errValidation.New(msgPlaintextTooLong)
				}
			} else {
				if (in.KeySpec == nil) == (in.NumberOfBytes == nil) {
					return in, errValidation.New(msgKeySpecOrBytes)
				}
				if in.KeySpec != nil && *in.KeySpec != "AES_256" && *in.KeySpec != "AES_128" {
					return in, errValidation.Errorf(msgEnum, *in.KeySpec, "keySpec", "AES_256, AES_128")
				}
				if n := in.NumberOfBytes; n != nil && *n > 1024 {
					return in, errValidation.Errorf(msgNumberOfBytes, *n)
				} else if n != nil && *n < 1 {
					return in, errValidation.Errorf(msgNumberOfBytesMin, *n)
				}
			}
			in.ref = parseRef(r.Account(), r.Region, in.KeyId)
		case "Decrypt", "ReEncrypt":
			if in.CiphertextBlob == nil {
				return in, errValidation.Errorf(msgRequired, "ciphertextBlob")
			}
			if op == "ReEncrypt" && in.DestinationKeyId == "" {
				return in, errValidation.Errorf(msgRequired, "destinationKeyId")
			}
			b, err := parseBlob(in.CiphertextBlob)
			if err != nil {
				// Authorized on the caller's keys, then refused: a blob
				// that names no key is no ciphertext.
				in.ref = ref{account: r.Account(), region: r.Region, err: errInvalidCiphertext.New("")}
				break
			}
			in.blob = b
			a, _ := parseKeyARN(b.keyARN)
			in.ref = ref{account: a.account, region: a.region, id: strings.TrimPrefix(a.resource, "key/")}
			if a.region != r.Region {
				in.ref.err = errInvalidCiphertext.New("")
			}
		}
		ctxKeys(r.Context, in.EncryptionContext)
		ctxKeys(r.Context, in.SourceEncryptionContext)
		return in, nil
	}
}

// ctxKeys adds kms:EncryptionContext:KEY and kms:EncryptionContextKeys.
func ctxKeys(c *policy.Context, ec map[string]string) {
	if len(ec) == 0 {
		return
	}
	keys := make([]string, 0, len(ec))
	for k, v := range ec {
		keys = append(keys, k)
		c.Set("kms:EncryptionContext:"+k, v)
	}
	sort.Strings(keys)
	c.Set("kms:EncryptionContextKeys", keys...)
}

// cryptoKey resolves the key a cryptographic call uses and checks that it
// can be used now.
func (s *Service) cryptoKey(ctx context.Context, rf ref) (*key, error) {
	k, err := s.resolve(ctx, rf)
	if err != nil {
		return nil, err
	}
	return k, usable(k)
}

type encryptOut struct {
	CiphertextBlob      []byte
	KeyId               string
	EncryptionAlgorithm string
}

func (s *Service) encrypt(ctx context.Context, r *protocol.Request, in cryptoIn) (any, error) {
	k, err := s.cryptoKey(ctx, in.ref)
	if err != nil {
		return nil, err
	}
	ct, err := seal(k.arn(), k.secret, in.Plaintext, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return encryptOut{ct, k.arn(), "SYMMETRIC_DEFAULT"}, nil
}

// dataKeyOut is GenerateDataKey's answer; unlike Decrypt's it names no
// KeyMaterialId (test_kms's generate_data_key records).
type dataKeyOut struct {
	CiphertextBlob []byte
	Plaintext      []byte `json:",omitempty"`
	KeyId          string
}

func (s *Service) generateDataKey(ctx context.Context, r *protocol.Request, in cryptoIn) (any, error) {
	k, err := s.cryptoKey(ctx, in.ref)
	if err != nil {
		return nil, err
	}
	n := 32
	switch {
	case in.NumberOfBytes != nil:
		n = *in.NumberOfBytes
	case *in.KeySpec == "AES_128":
		n = 16
	}
	plain := make([]byte, n)
	if _, err := rand.Read(plain); err != nil {
		return nil, err
	}
	ct, err := seal(k.arn(), k.secret, plain, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	out := dataKeyOut{CiphertextBlob: ct, KeyId: k.arn()}
	if in.Plaintext == nil && protocolOp(r) == "GenerateDataKey" {
		out.Plaintext = plain
	}
	return out, nil
}

// protocolOp is the operation named by the request's X-Amz-Target.
func protocolOp(r *protocol.Request) string {
	_, op, _ := strings.Cut(r.HTTP.Header.Get("X-Amz-Target"), ".")
	return op
}

// open decrypts in's blob with its key, checking KeyId (given) against it.
func (s *Service) open(ctx context.Context, in cryptoIn, given string, ec map[string]string) (*key, []byte, error) {
	k, err := s.cryptoKey(ctx, in.ref)
	if err != nil {
		if ErrNotFound.Is(err) {
			// A blob whose key is gone (or never was) is no ciphertext.
			return nil, nil, errInvalidCiphertext.New("")
		}
		return nil, nil, err
	}
	if given != "" {
		g := s.find(parseRef(k.account, k.region, given))
		if g == nil || g.id != k.id {
			return nil, nil, errIncorrectKey.New(msgIncorrectKey)
		}
	}
	plain, err := in.blob.open(k.secret, ec)
	if err != nil {
		return nil, nil, errInvalidCiphertext.New("")
	}
	return k, plain, nil
}

func (s *Service) decrypt(ctx context.Context, r *protocol.Request, in cryptoIn) (any, error) {
	k, plain, err := s.open(ctx, in, in.KeyId, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return struct {
		KeyId               string
		Plaintext           []byte
		EncryptionAlgorithm string
		KeyMaterialId       string
	}{k.arn(), plain, "SYMMETRIC_DEFAULT", k.materialID()}, nil
}

func (s *Service) reEncrypt(ctx context.Context, r *protocol.Request, in cryptoIn) (any, error) {
	src, plain, err := s.open(ctx, in, in.SourceKeyId, in.SourceEncryptionContext)
	if err != nil {
		return nil, err
	}
	dst := parseRef(r.Account(), r.Region, in.DestinationKeyId)
	if err := r.Authorize(ctx, "kms:ReEncryptTo", s.resource(dst), nil); err != nil {
		return nil, err
	}
	k, err := s.cryptoKey(ctx, dst)
	if err != nil {
		return nil, err
	}
	ct, err := seal(k.arn(), k.secret, plain, in.DestinationEncryptionContext)
	if err != nil {
		return nil, err
	}
	return struct {
		CiphertextBlob                 []byte
		SourceKeyId                    string
		KeyId                          string
		SourceEncryptionAlgorithm      string
		DestinationEncryptionAlgorithm string
	}{ct, src.arn(), k.arn(), "SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT"}, nil
}
