package lambda

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// PermissionInput is AddPermission's body: the parameters that become one
// statement of a function's resource-based policy.
type PermissionInput struct {
	StatementId           string `json:"StatementId"`
	Action                string `json:"Action"`
	Principal             string `json:"Principal"`
	SourceArn             string `json:"SourceArn"`
	SourceAccount         string `json:"SourceAccount"`
	EventSourceToken      string `json:"EventSourceToken"`
	RevisionId            string `json:"RevisionId"`
	PrincipalOrgID        string `json:"PrincipalOrgID"`
	FunctionUrlAuthType   string `json:"FunctionUrlAuthType"`
	InvokedViaFunctionUrl *bool  `json:"InvokedViaFunctionUrl"`
}

// validate checks the members' model shapes.
func (in *PermissionInput) validate() error {
	var v validation
	switch {
	case in.StatementId == "":
		v.null("statementId")
	case len(in.StatementId) > 100:
		v.maxLen("statementId", in.StatementId, 100)
	case !wordChars(in.StatementId, ""):
		v.pattern("statementId", in.StatementId, patStatementID)
	}
	if in.Action == "" {
		v.null("action")
	} else if !validPermissionAction(in.Action) {
		v.pattern("action", in.Action, patAction)
	}
	if in.Principal == "" {
		v.null("principal")
	} else if strings.ContainsAny(in.Principal, " \t\r\n\f\v") {
		v.pattern("principal", in.Principal, `[^\s]+`)
	}
	if in.SourceArn != "" && !validArn(in.SourceArn) {
		v.pattern("sourceArn", in.SourceArn, patArn)
	}
	if in.SourceAccount != "" {
		if len(in.SourceAccount) > 12 {
			v.maxLen("sourceAccount", in.SourceAccount, 12)
		} else if !isAccountID(in.SourceAccount) {
			v.pattern("sourceAccount", in.SourceAccount, patSourceOwner)
		}
	}
	if in.EventSourceToken != "" {
		if len(in.EventSourceToken) > 256 {
			v.maxLen("eventSourceToken", in.EventSourceToken, 256)
		} else if !wordChars(in.EventSourceToken, ".") {
			v.pattern("eventSourceToken", in.EventSourceToken, patEventSourceToken)
		}
	}
	if in.PrincipalOrgID != "" {
		switch {
		case len(in.PrincipalOrgID) < 12:
			v.minLen("principalOrgID", in.PrincipalOrgID, 12)
		case len(in.PrincipalOrgID) > 34:
			v.maxLen("principalOrgID", in.PrincipalOrgID, 34)
		case !validOrgID(in.PrincipalOrgID):
			v.pattern("principalOrgID", in.PrincipalOrgID, patPrincipalOrgID)
		}
	}
	if in.FunctionUrlAuthType != "" && in.FunctionUrlAuthType != "NONE" && in.FunctionUrlAuthType != "AWS_IAM" {
		v.enum("functionUrlAuthType", in.FunctionUrlAuthType, []string{"NONE", "AWS_IAM"})
	}
	return v.err()
}

// validPermissionAction matches (lambda:[*]|lambda:[a-zA-Z]+|[*]).
func validPermissionAction(s string) bool {
	if s == "*" || s == "lambda:*" {
		return true
	}
	rest, ok := strings.CutPrefix(s, "lambda:")
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// validArn matches arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:(region)?:(\d{12})?:(.*).
func validArn(s string) bool {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" || !strings.HasPrefix(p[1], "aws") || !wordChars(p[2], "") || strings.Contains(p[2], "_") {
		return false
	}
	for i := 3; i < len(p[1]); i++ {
		c := p[1][i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	if p[3] != "" && !validRegion(p[3]) {
		return false
	}
	return p[4] == "" || isAccountID(p[4])
}

func validOrgID(s string) bool {
	rest, ok := strings.CutPrefix(s, "o-")
	if !ok || len(rest) < 10 || len(rest) > 32 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// principalJSON normalises AddPermission's Principal the way Lambda writes
// it into the policy: "*" stays "*", an account id becomes the account's
// root ARN, an IAM/STS ARN is an AWS principal, a service name a Service
// principal. ok is false for anything else.
func principalJSON(p string) (json.RawMessage, bool) {
	switch {
	case p == "*":
		return json.RawMessage(`"*"`), true
	case isAccountID(p):
		return awsPrincipal("arn:aws:iam::" + p + ":root"), true
	case strings.HasPrefix(p, "arn:"):
		if validPrincipalARN(p) {
			return awsPrincipal(p), true
		}
		return nil, false
	case validServicePrincipal(p):
		b, _ := json.Marshal(map[string]string{"Service": p})
		return b, true
	}
	return nil, false
}

func awsPrincipal(arn string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"AWS": arn})
	return b
}

// validPrincipalARN accepts IAM root, user and role ARNs and STS
// assumed-role and federated-user ARNs, with a 12-digit account.
func validPrincipalARN(s string) bool {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || !validPartition(p[1]) || p[3] != "" || !isAccountID(p[4]) {
		return false
	}
	switch p[2] {
	case "iam":
		if p[5] == "root" {
			return true
		}
		for _, pre := range []string{"user/", "role/"} {
			if name, ok := strings.CutPrefix(p[5], pre); ok && name != "" && !strings.HasSuffix(name, "/") && !strings.ContainsAny(name, "*? ") {
				return true
			}
		}
	case "sts":
		parts := strings.Split(p[5], "/")
		if len(parts) == 3 && parts[0] == "assumed-role" && parts[1] != "" && parts[2] != "" {
			return true
		}
		if len(parts) == 2 && parts[0] == "federated-user" && parts[1] != "" {
			return true
		}
	}
	return false
}

// validServicePrincipal accepts AWS service principals: dotted lower-case
// names under amazonaws.com (or .com.cn) and Amazon's own amazon.com
// services (alexa-appkit.amazon.com).
func validServicePrincipal(s string) bool {
	var host string
	switch {
	case strings.HasSuffix(s, ".amazonaws.com"):
		host = strings.TrimSuffix(s, ".amazonaws.com")
	case strings.HasSuffix(s, ".amazonaws.com.cn"):
		host = strings.TrimSuffix(s, ".amazonaws.com.cn")
	case strings.HasSuffix(s, ".amazon.com"):
		host = strings.TrimSuffix(s, ".amazon.com")
	default:
		return false
	}
	if host == "" || host[0] == '.' || host[len(host)-1] == '.' {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// BuildStatement turns AddPermission's parameters into the statement Lambda
// adds to the policy of resource (IAM-EVALUATION.md §4). Keys are written in
// AWS's order: Sid, Effect, Principal, Action, Resource, Condition. The
// error is InvalidParameterValueException for a principal Lambda does not
// accept.
func BuildStatement(in *PermissionInput, resource string) ([]byte, error) {
	principal, ok := principalJSON(in.Principal)
	if !ok {
		return nil, errInvalidParameter.New(msgBadPrincipal)
	}
	b := make([]byte, 0, 256)
	b = append(b, `{"Sid":`...)
	b = jsonstr.Append(b, in.StatementId)
	b = append(b, `,"Effect":"Allow","Principal":`...)
	b = append(b, principal...)
	b = append(b, `,"Action":`...)
	b = jsonstr.Append(b, in.Action)
	b = append(b, `,"Resource":`...)
	b = jsonstr.Append(b, resource)
	var eq [][2]string
	if in.SourceAccount != "" {
		eq = append(eq, [2]string{"AWS:SourceAccount", in.SourceAccount})
	}
	// AWS writes FunctionUrlAuthType before PrincipalOrgID.
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_add_lambda_permission_fields (add_permission_optional_fields)
	if in.FunctionUrlAuthType != "" {
		eq = append(eq, [2]string{"lambda:FunctionUrlAuthType", in.FunctionUrlAuthType})
	}
	if in.PrincipalOrgID != "" {
		eq = append(eq, [2]string{"aws:PrincipalOrgID", in.PrincipalOrgID})
	}
	if in.EventSourceToken != "" {
		eq = append(eq, [2]string{"lambda:EventSourceToken", in.EventSourceToken})
	}
	if len(eq) > 0 || in.SourceArn != "" || in.InvokedViaFunctionUrl != nil {
		b = append(b, `,"Condition":{`...)
		first := true
		block := func(op string, kv [][2]string) {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = jsonstr.Append(b, op)
			b = append(b, ":{"...)
			for i, p := range kv {
				if i > 0 {
					b = append(b, ',')
				}
				b = jsonstr.Append(b, p[0])
				b = append(b, ':')
				b = jsonstr.Append(b, p[1])
			}
			b = append(b, '}')
		}
		if len(eq) > 0 {
			block("StringEquals", eq)
		}
		if in.SourceArn != "" {
			block("ArnLike", [][2]string{{"AWS:SourceArn", in.SourceArn}})
		}
		if in.InvokedViaFunctionUrl != nil {
			v := "false"
			if *in.InvokedViaFunctionUrl {
				v = "true"
			}
			block("Bool", [][2]string{{"lambda:InvokedViaFunctionUrl", v}})
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// policyDoc is a stored resource policy, statements kept as written.
type policyDoc struct {
	Version   string            `json:"Version"`
	Id        string            `json:"Id"`
	Statement []json.RawMessage `json:"Statement"`
}

func parseDoc(doc string) (*policyDoc, error) {
	d := &policyDoc{Version: "2012-10-17", Id: "default"}
	if doc == "" {
		return d, nil
	}
	if err := json.Unmarshal([]byte(doc), d); err != nil {
		return nil, err
	}
	return d, nil
}

// sids returns each statement's Sid.
func (d *policyDoc) sid(i int) string {
	var s struct{ Sid string }
	json.Unmarshal(d.Statement[i], &s)
	return s.Sid
}

func (d *policyDoc) index(sid string) int {
	for i := range d.Statement {
		if d.sid(i) == sid {
			return i
		}
	}
	return -1
}

// text renders the document, "" when it has no statements left.
func (d *policyDoc) text() string {
	if len(d.Statement) == 0 {
		return ""
	}
	b, _ := json.Marshal(d)
	return string(b)
}

// addStatement adds stmt to the policy text doc, with Lambda's rules: a
// unique Sid and the 20 KB limit. It returns the new text.
func addStatement(doc string, sid string, stmt []byte) (string, error) {
	d, err := parseDoc(doc)
	if err != nil {
		return "", err
	}
	if d.index(sid) >= 0 {
		return "", errConflict.Errorf(msgStatementExists, sid)
	}
	d.Statement = append(d.Statement, stmt)
	out := d.text()
	if policy.Size([]byte(out)) > maxPolicyBytes {
		return "", errPolicyLength.New(msgPolicyTooBig)
	}
	if _, err := policy.Parse([]byte(out), policy.Resource); err != nil {
		// The statement came from validated parameters; a document the
		// engine refuses is reported as an invalid parameter.
		return "", errInvalidParameter.New(err.Error()).Wrap(err)
	}
	return out, nil
}

func decodeAddPermission(ctx context.Context, r *protocol.Request) (withBody[PermissionInput], error) {
	var in PermissionInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return withBody[PermissionInput]{}, err
	}
	if err := in.validate(); err != nil {
		return withBody[PermissionInput]{}, err
	}
	ref, err := namespacedFunction(ctx, r)
	return withBody[PermissionInput]{ref: ref, in: &in}, err
}

func (s *Service) addPermissionTarget(ctx context.Context, r *protocol.Request, b withBody[PermissionInput]) (protocol.Target, error) {
	setKey(r, "lambda:Principal", b.in.Principal)
	return s.functionTarget(ctx, r, b.ref)
}

type addPermissionOutput struct {
	Statement string `json:"Statement"`
}

// policyRevision reads and bumps the RevisionId a qualifier's policy is
// versioned by: the alias's, or the version's policy revision (the
// unqualified function's is $LATEST's), which a policy change sets with a
// new RevisionId of the version and a publish leaves as it was.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_lambda_permission_fn_versioning
func (s *Service) policyRevision(tx *store.Tx, ref FunctionRef, q string) (rev string, bump func() (string, error), err error) {
	t, err := s.resolveAlias(tx, ref, q, msgNoAliasArn)
	if err != nil {
		return "", nil, err
	}
	if t.alias != nil {
		a := t.alias
		return a.RevisionId, func() (string, error) {
			a.RevisionId = protocol.NewUUID()
			return a.RevisionId, putAlias(tx, ref, a)
		}, nil
	}
	v := t.version
	return v.policyRev(), func() (string, error) {
		v.bump()
		v.PolicyRev = v.Config.RevisionId // one RevisionId for both until the next publish
		return v.PolicyRev, s.putVersion(tx, ref, v)
	}, nil
}

func (s *Service) addPermission(ctx context.Context, r *protocol.Request, b withBody[PermissionInput]) (any, error) {
	in, ref := b.in, b.ref
	if ref.Qualifier == latest {
		return nil, errInvalidParameter.New(msgLatestPolicy)
	}
	stmt, err := BuildStatement(in, ref.QualifiedARN(ref.Qualifier))
	if err != nil {
		return nil, err
	}
	// Stored bound to the principal's unique id; answered as written.
	bound, err := authz.BindPrincipals(ctx, s.opts.Principals, string(stmt))
	if err != nil {
		return nil, err
	}
	// Read, check and write in one transaction: concurrent AddPermission
	// calls queue on the single writer, so none loses another's statement.
	err = s.write(ctx, func(tx *store.Tx) error {
		rev, bump, err := s.policyRevision(tx, ref, ref.Qualifier)
		if err != nil {
			return err
		}
		if in.RevisionId != "" && in.RevisionId != rev {
			return errPrecondition.New(msgPolicyRevision)
		}
		doc, err := getPolicyDoc(tx, ref, ref.Qualifier)
		if err != nil {
			return err
		}
		doc, err = addStatement(doc, in.StatementId, []byte(bound))
		if err != nil {
			return err
		}
		if err := putPolicyDoc(tx, ref, ref.Qualifier, doc); err != nil {
			return err
		}
		_, err = bump()
		return err
	})
	if err != nil {
		return nil, err
	}
	return &addPermissionOutput{Statement: string(stmt)}, nil
}

// removePermissionTarget adds lambda:Principal from the statement about to
// be removed, so policies can limit who removes which grants.
func (s *Service) removePermissionTarget(ctx context.Context, r *protocol.Request, ref FunctionRef) (protocol.Target, error) {
	t, err := s.functionTarget(ctx, r, ref)
	if err != nil {
		return t, err
	}
	sid := r.Path["StatementId"]
	var doc string
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		doc, err = getPolicyDoc(tx, ref, policyKeyQualifier(ref.Qualifier))
		return err
	}); err != nil {
		return t, err
	}
	if doc, err = authz.ShowPrincipals(ctx, s.opts.Principals, doc); err != nil {
		return t, err
	}
	if d, err := parseDoc(doc); err == nil {
		if i := d.index(sid); i >= 0 {
			var st struct{ Principal json.RawMessage }
			json.Unmarshal(d.Statement[i], &st)
			if p := principalValue(st.Principal); p != "" {
				setKey(r, "lambda:Principal", p)
			}
		}
	}
	return t, nil
}

// principalValue returns the one principal of a statement written by
// AddPermission, as lambda:Principal holds it.
func principalValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) == nil {
		for _, v := range m {
			return v
		}
	}
	return ""
}

func (s *Service) removePermission(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	sid := r.Path["StatementId"]
	if len(sid) > 100 || !wordChars(sid, ".") {
		return nil, validationError("statementId", sid, patNamespacedStmtID)
	}
	if ref.Qualifier == latest {
		return nil, errInvalidParameter.New(msgLatestPolicy)
	}
	revID := r.Params.Get("RevisionId")
	err := s.write(ctx, func(tx *store.Tx) error {
		fn, err := getFunctionRow(tx, ref)
		if err != nil {
			return err
		}
		if fn == nil {
			return errNotFound.Errorf(msgNoPolicyFor, ref.QualifiedARN(ref.Qualifier))
		}
		rev, bump, err := s.policyRevision(tx, ref, ref.Qualifier)
		if err != nil {
			return err
		}
		if revID != "" && revID != rev {
			return errPrecondition.New(msgPolicyRevision)
		}
		doc, err := getPolicyDoc(tx, ref, ref.Qualifier)
		if err != nil {
			return err
		}
		if doc == "" {
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_permission_exceptions (remove_permission_policy_doesnotexist)
			return errNotFound.New(msgNoLayerPolicy)
		}
		d, err := parseDoc(doc)
		if err != nil {
			return err
		}
		i := d.index(sid)
		if i < 0 {
			return errNotFound.Errorf(msgNoStatement, sid)
		}
		d.Statement = append(d.Statement[:i], d.Statement[i+1:]...)
		if err := putPolicyDoc(tx, ref, ref.Qualifier, d.text()); err != nil {
			return err
		}
		_, err = bump()
		return err
	})
	return nil, err
}

type getPolicyOutput struct {
	Policy     string `json:"Policy"`
	RevisionId string `json:"RevisionId"`
}

func (s *Service) getPolicy(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	var out getPolicyOutput
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rev, _, err := s.policyRevision(tx, ref, ref.Qualifier)
		if err != nil {
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_permission_exceptions (get_policy_fn_doesnotexist, get_policy_fn_version_doesnotexist)
			return notFoundAs(err, msgNoResource)
		}
		doc, err := getPolicyDoc(tx, ref, policyKeyQualifier(ref.Qualifier))
		if err != nil {
			return err
		}
		if doc == "" {
			return errNotFound.New(msgNoResource)
		}
		out = getPolicyOutput{Policy: doc, RevisionId: rev}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out.Policy, err = authz.ShowPrincipals(ctx, s.opts.Principals, out.Policy); err != nil {
		return nil, err
	}
	return &out, nil
}
