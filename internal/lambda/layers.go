package lambda

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// layerInput names the layer (and version) an operation is about.
type layerInput struct {
	ref     LayerRef
	version int64
}

func decodeLayer(_ context.Context, r *protocol.Request) (layerInput, error) {
	ref, err := parseLayerName(r.Path["LayerName"], r.Account(), r.Region)
	return layerInput{ref: ref}, err
}

func decodeLayerVersion(_ context.Context, r *protocol.Request) (layerInput, error) {
	ref, err := parseLayerName(r.Path["LayerName"], r.Account(), r.Region)
	if err != nil {
		return layerInput{}, err
	}
	raw := r.Path["VersionNumber"]
	if strings.HasPrefix(raw, "-") && isDigits(raw[1:]) || strings.Trim(raw, "0") == "" && raw != "" {
		return layerInput{}, errInvalidParameter.New(msgLayerVersionMin)
	}
	if !isDigits(raw) || len(raw) > 18 {
		return layerInput{}, errInvalidParameter.Errorf(msgLayerVersionNumberFmt, raw)
	}
	return layerInput{ref: ref, version: atoi(raw)}, nil
}

func decodeLayerByARN(_ context.Context, r *protocol.Request) (layerInput, error) {
	arn := r.Params.Get("Arn")
	ref, n, ok := parseLayerVersionARN(arn)
	if !ok {
		if arn == "" {
			var v validation
			v.null("arn")
			return layerInput{}, v.err()
		}
		return layerInput{}, validationError("arn", arn, patLayerList)
	}
	return layerInput{ref: ref, version: n}, nil
}

// layerTarget names a layer in its owner's account. It carries no resource
// policy: layer-version permissions can only grant lambda:GetLayerVersion
// (AddLayerVersionPermission's Action is exactly that in the service
// model), so another account can never list a layer's versions — AWS
// refuses cross-account ListLayerVersions (LocalStack's AWS-validated
// tests/aws/services/lambda_/test_lambda.py, TestLambdaPermissions
// cross-account fixture created_layer_arn).
func layerTarget(_ context.Context, _ *protocol.Request, l layerInput) (protocol.Target, error) {
	return protocol.Target{Resource: l.ref.ARN(), Account: l.ref.Account}, nil
}

// layerVersionTarget names a layer version and passes its policy.
func (s *Service) layerVersionTarget(ctx context.Context, _ *protocol.Request, l layerInput) (protocol.Target, error) {
	p, err := s.layerPolicy(ctx, l.ref, l.version)
	if err != nil {
		return protocol.Target{}, err
	}
	return protocol.Target{Resource: l.ref.VersionARN(l.version), Account: l.ref.Account, Policy: p}, nil
}

// layerRow is a stored layer version.
type layerRow struct {
	v         LayerVersion
	blob      string
	policy    string
	policyRev string
}

func getLayerVersionRow(tx *store.Tx, ref LayerRef, n int64) (*layerRow, error) {
	var row layerRow
	var cfg string
	err := tx.QueryRow(`SELECT blob, config, policy, policy_rev FROM lambda_layer_versions WHERE account=? AND region=? AND layer=? AND version=?`,
		ref.Account, ref.Region, ref.Name, n).Scan(&row.blob, &cfg, &row.policy, &row.policyRev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(cfg), &row.v); err != nil {
		return nil, err
	}
	return &row, nil
}

func (s *Service) layerPolicy(ctx context.Context, ref LayerRef, n int64) (*policy.Policy, error) {
	var doc string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(`SELECT policy FROM lambda_layer_versions WHERE account=? AND region=? AND layer=? AND version=?`,
			ref.Account, ref.Region, ref.Name, n).Scan(&doc)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil || doc == "" {
		return nil, err
	}
	return s.compile(ref.VersionARN(n), doc)
}

type layerContent struct {
	ZipFile         []byte `json:"ZipFile"`
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
}

type publishLayerInput struct {
	Description             string        `json:"Description"`
	Content                 *layerContent `json:"Content"`
	CompatibleRuntimes      []string      `json:"CompatibleRuntimes"`
	LicenseInfo             string        `json:"LicenseInfo"`
	CompatibleArchitectures []string      `json:"CompatibleArchitectures"`
}

func (s *Service) publishLayerVersion(ctx context.Context, r *protocol.Request, l layerInput) (any, error) {
	ref := l.ref
	var in publishLayerInput
	zip, found, err := decodeWithZip(r.Body, &in, "Content", "ZipFile")
	if err != nil {
		return nil, err
	}
	if found {
		in.Content.ZipFile = zip
	}
	var v validation
	if in.Content == nil {
		v.null("content")
	}
	if len(in.Description) > 256 {
		v.maxLen("description", in.Description, 256)
	}
	if len(in.LicenseInfo) > 512 {
		v.maxLen("licenseInfo", in.LicenseInfo, 512)
	}
	if len(in.CompatibleRuntimes) > 15 {
		v.errs = append(v.errs, fmt.Sprintf(msgLayerRuntimesLenFmt, len(in.CompatibleRuntimes)))
	}
	// AWS reports the whole list, against the runtimes functions can be
	// created with, and the architectures with all their constraints.
	for _, rt := range in.CompatibleRuntimes {
		if !slices.Contains(runtimes, rt) {
			v.errs = append(v.errs, fmt.Sprintf(msgLayerRuntimesEnumFmt, strings.Join(in.CompatibleRuntimes, ", "), layerRuntimes))
			break
		}
	}
	for _, a := range in.CompatibleArchitectures {
		if a != "x86_64" && a != "arm64" {
			v.errs = append(v.errs, fmt.Sprintf(msgLayerArchitecturesFmt, strings.Join(in.CompatibleArchitectures, ", ")))
			break
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	pkg, err := s.readCode(ctx, r, &functionCode{ZipFile: in.Content.ZipFile, S3Bucket: in.Content.S3Bucket, S3Key: in.Content.S3Key, S3ObjectVersion: in.Content.S3ObjectVersion}, nil)
	if err != nil {
		return nil, err
	}
	blob := "lambda/layers/" + ref.Account + "/" + randomID(32) + ".zip"
	if err := s.db.Blobs().Write(blob, pkg.data); err != nil {
		return nil, err
	}
	out := &LayerVersion{
		Content:                 &LayerVersionContentOutput{CodeSha256: pkg.sha, CodeSize: int64(len(pkg.data))},
		LayerArn:                ref.ARN(),
		Description:             in.Description,
		CreatedDate:             timestamp(r.Now),
		CompatibleRuntimes:      in.CompatibleRuntimes,
		LicenseInfo:             in.LicenseInfo,
		CompatibleArchitectures: in.CompatibleArchitectures,
	}
	err = s.write(ctx, func(tx *store.Tx) error {
		var last int64
		err := tx.QueryRow(`SELECT last_version FROM lambda_layers WHERE account=? AND region=? AND layer=?`, ref.Account, ref.Region, ref.Name).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out.Version = last + 1
		out.LayerVersionArn = ref.VersionARN(out.Version)
		if _, err := tx.Exec(`INSERT INTO lambda_layers (account, region, layer, last_version) VALUES (?,?,?,?)
			ON CONFLICT (account, region, layer) DO UPDATE SET last_version=excluded.last_version`,
			ref.Account, ref.Region, ref.Name, out.Version); err != nil {
			return err
		}
		cfg, _ := json.Marshal(out)
		_, err = tx.Exec(`INSERT INTO lambda_layer_versions (account, region, layer, version, blob, config) VALUES (?,?,?,?,?,?)`,
			ref.Account, ref.Region, ref.Name, out.Version, blob, string(cfg))
		return err
	})
	if err != nil {
		s.db.Blobs().Remove(blob)
		return nil, err
	}
	out.Content.Location = s.link(r, ref.Region, blob)
	return out, nil
}

func (s *Service) getLayerVersion(ctx context.Context, r *protocol.Request, st layerInput) (any, error) {
	var out *LayerVersion
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		row, err := getLayerVersionRow(tx, st.ref, st.version)
		if err != nil {
			return err
		}
		if row == nil {
			return errNotFound.New(msgNoResource)
		}
		out = &row.v
		if out.Content != nil {
			c := *out.Content
			c.Location = s.link(r, st.ref.Region, row.blob)
			out.Content = &c
		}
		return nil
	})
	return out, err
}

func (s *Service) deleteLayerVersion(ctx context.Context, r *protocol.Request, st layerInput) (any, error) {
	var blob string
	err := s.write(ctx, func(tx *store.Tx) error {
		row, err := getLayerVersionRow(tx, st.ref, st.version)
		if err != nil || row == nil {
			// Deleting a missing version succeeds (the model lists no 404).
			return err
		}
		blob = row.blob
		_, err = tx.Exec(`DELETE FROM lambda_layer_versions WHERE account=? AND region=? AND layer=? AND version=?`,
			st.ref.Account, st.ref.Region, st.ref.Name, st.version)
		return err
	})
	if err != nil || blob == "" {
		return nil, err
	}
	// Functions keep using a deleted layer version, as in AWS: keep the
	// archive while any function version refers to it.
	used := false
	s.db.Read(ctx, func(tx *store.Tx) error {
		var one int
		used = tx.QueryRow(`SELECT 1 FROM lambda_versions WHERE instr(config, ?) > 0 LIMIT 1`, `"`+blob+`"`).Scan(&one) == nil
		return nil
	})
	if !used {
		s.db.Blobs().Remove(blob)
	}
	return nil, nil
}

func matchesLayerFilter(v *LayerVersion, runtime, arch string) bool {
	if runtime != "" && !slices.Contains(v.CompatibleRuntimes, runtime) {
		return false
	}
	if arch != "" && !slices.Contains(v.CompatibleArchitectures, arch) {
		return false
	}
	return true
}

func listItem(v *LayerVersion) *LayerVersionsListItem {
	return &LayerVersionsListItem{
		LayerVersionArn: v.LayerVersionArn, Version: v.Version, Description: v.Description,
		CreatedDate: v.CreatedDate, CompatibleRuntimes: v.CompatibleRuntimes, LicenseInfo: v.LicenseInfo,
		CompatibleArchitectures: v.CompatibleArchitectures,
	}
}

type listLayerVersionsOutput struct {
	LayerVersions []*LayerVersionsListItem `json:"LayerVersions"`
	NextMarker    string                   `json:"NextMarker,omitempty"`
}

func (s *Service) listLayerVersions(ctx context.Context, r *protocol.Request, l layerInput) (any, error) {
	ref := l.ref
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 50)
	if err != nil {
		return nil, err
	}
	rt, arch := r.Params.Get("CompatibleRuntime"), r.Params.Get("CompatibleArchitecture")
	if err := checkLayerFilters(rt, arch); err != nil {
		return nil, err
	}
	_, start := decodeMarker(r.Params.Get("Marker"))
	out := listLayerVersionsOutput{LayerVersions: []*LayerVersionsListItem{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		q := `SELECT version, config FROM lambda_layer_versions WHERE account=? AND region=? AND layer=? AND (? = 0 OR version <= ?) ORDER BY version DESC`
		rows, err := tx.Query(q, ref.Account, ref.Region, ref.Name, start, start)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var num int64
			var cfg string
			if err := rows.Scan(&num, &cfg); err != nil {
				return err
			}
			var v LayerVersion
			if err := json.Unmarshal([]byte(cfg), &v); err != nil {
				return err
			}
			if !matchesLayerFilter(&v, rt, arch) {
				continue
			}
			if len(out.LayerVersions) == n {
				out.NextMarker = encodeMarker(ref.Name, num)
				break
			}
			out.LayerVersions = append(out.LayerVersions, listItem(&v))
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

type layersListItem struct {
	LayerName             string                 `json:"LayerName"`
	LayerArn              string                 `json:"LayerArn"`
	LatestMatchingVersion *LayerVersionsListItem `json:"LatestMatchingVersion"`
}

type listLayersOutput struct {
	Layers     []*layersListItem `json:"Layers"`
	NextMarker string            `json:"NextMarker,omitempty"`
}

func (s *Service) listLayers(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 50)
	if err != nil {
		return nil, err
	}
	rt, arch := r.Params.Get("CompatibleRuntime"), r.Params.Get("CompatibleArchitecture")
	if err := checkLayerFilters(rt, arch); err != nil {
		return nil, err
	}
	start, _ := decodeMarker(r.Params.Get("Marker"))
	out := listLayersOutput{Layers: []*layersListItem{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT layer, config FROM lambda_layer_versions WHERE account=? AND region=? AND layer >= ? ORDER BY layer, version DESC`,
			r.Account(), r.Region, start)
		if err != nil {
			return err
		}
		defer rows.Close()
		last := ""
		for rows.Next() {
			var name, cfg string
			if err := rows.Scan(&name, &cfg); err != nil {
				return err
			}
			if name == last {
				continue
			}
			var v LayerVersion
			if err := json.Unmarshal([]byte(cfg), &v); err != nil {
				return err
			}
			if !matchesLayerFilter(&v, rt, arch) {
				continue
			}
			if len(out.Layers) == n {
				out.NextMarker = encodeMarker(name, 0)
				break
			}
			last = name
			out.Layers = append(out.Layers, &layersListItem{LayerName: name, LayerArn: v.LayerArn, LatestMatchingVersion: listItem(&v)})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

type layerPermissionInput struct {
	StatementId    string `json:"StatementId"`
	Action         string `json:"Action"`
	Principal      string `json:"Principal"`
	OrganizationId string `json:"OrganizationId"`
}

func (s *Service) addLayerVersionPermission(ctx context.Context, r *protocol.Request, st layerInput) (any, error) {
	var in layerPermissionInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return nil, err
	}
	var v validation
	switch {
	case in.StatementId == "":
		v.null("statementId")
	case len(in.StatementId) > 100 || !wordChars(in.StatementId, ""):
		v.pattern("statementId", in.StatementId, patStatementID)
	}
	if in.Action == "" {
		v.null("action")
	} else if in.Action != "lambda:GetLayerVersion" {
		v.pattern("action", in.Action, "lambda:GetLayerVersion")
	}
	principal, okP := layerPrincipalJSON(in.Principal)
	if in.Principal == "" {
		v.null("principal")
	} else if !okP {
		v.pattern("principal", in.Principal, patLayerPrincipal)
	}
	if in.OrganizationId != "" && !validOrgID(in.OrganizationId) {
		v.pattern("organizationId", in.OrganizationId, patOrganizationID)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	arn := st.ref.VersionARN(st.version)
	b := make([]byte, 0, 256)
	b = append(b, `{"Sid":`...)
	b = jsonstr.Append(b, in.StatementId)
	b = append(b, `,"Effect":"Allow","Principal":`...)
	b = append(b, principal...)
	b = append(b, `,"Action":"lambda:GetLayerVersion","Resource":`...)
	b = jsonstr.Append(b, arn)
	if in.OrganizationId != "" {
		b = append(b, `,"Condition":{"StringEquals":{"aws:PrincipalOrgID":`...)
		b = jsonstr.Append(b, in.OrganizationId)
		b = append(b, "}}"...)
	}
	stmt := append(b, '}')
	revID := r.Params.Get("RevisionId")
	var rev string
	err := s.write(ctx, func(tx *store.Tx) error {
		row, err := getLayerVersionRow(tx, st.ref, st.version)
		if err != nil {
			return err
		}
		if row == nil {
			return errNotFound.Errorf(msgLayerMissing, st.ref.VersionARN(st.version))
		}
		if revID != "" && revID != row.policyRev {
			return errPrecondition.New(msgLayerPolicyRevision)
		}
		doc, err := addStatement(row.policy, in.StatementId, stmt)
		if err != nil {
			return err
		}
		rev = protocol.NewUUID()
		_, err = tx.Exec(`UPDATE lambda_layer_versions SET policy=?, policy_rev=? WHERE account=? AND region=? AND layer=? AND version=?`,
			doc, rev, st.ref.Account, st.ref.Region, st.ref.Name, st.version)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]string{"Statement": string(stmt), "RevisionId": rev}, nil
}

// layerPrincipalJSON normalises AddLayerVersionPermission's Principal: "*",
// an account id, or an account's root ARN.
func layerPrincipalJSON(p string) (json.RawMessage, bool) {
	switch {
	case p == "*":
		return json.RawMessage(`"*"`), true
	case isAccountID(p):
		return awsPrincipal("arn:aws:iam::" + p + ":root"), true
	case validPrincipalARN(p) && len(p) > 5 && p[len(p)-5:] == ":root":
		return awsPrincipal(p), true
	}
	return nil, false
}

func (s *Service) getLayerVersionPolicy(ctx context.Context, r *protocol.Request, st layerInput) (any, error) {
	var out map[string]string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		row, err := getLayerVersionRow(tx, st.ref, st.version)
		if err != nil {
			return err
		}
		if row == nil {
			return errNotFound.Errorf(msgLayerMissing, st.ref.VersionARN(st.version))
		}
		if row.policy == "" {
			return errNotFound.New(msgNoLayerPolicy)
		}
		out = map[string]string{"Policy": row.policy, "RevisionId": row.policyRev}
		return nil
	})
	return out, err
}

func (s *Service) removeLayerVersionPermission(ctx context.Context, r *protocol.Request, st layerInput) (any, error) {
	sid := r.Path["StatementId"]
	if len(sid) > 100 || !wordChars(sid, "") {
		return nil, validationError("statementId", sid, patStatementID)
	}
	revID := r.Params.Get("RevisionId")
	err := s.write(ctx, func(tx *store.Tx) error {
		row, err := getLayerVersionRow(tx, st.ref, st.version)
		if err != nil {
			return err
		}
		if row == nil {
			return errNotFound.Errorf(msgLayerMissing, st.ref.VersionARN(st.version))
		}
		if revID != "" && revID != row.policyRev {
			return errPrecondition.New(msgLayerPolicyRevision)
		}
		d, err := parseDoc(row.policy)
		if err != nil {
			return err
		}
		i := d.index(sid)
		if i < 0 {
			return errNotFound.Errorf(msgNoStatement, sid)
		}
		d.Statement = append(d.Statement[:i], d.Statement[i+1:]...)
		_, err = tx.Exec(`UPDATE lambda_layer_versions SET policy=?, policy_rev=? WHERE account=? AND region=? AND layer=? AND version=?`,
			d.text(), protocol.NewUUID(), st.ref.Account, st.ref.Region, st.ref.Name, st.version)
		return err
	})
	return nil, err
}

// resolveLayers checks that a function may use each layer version: it must
// exist, and the caller needs lambda:GetLayerVersion on it, which for
// another account's layer comes from that layer version's policy.
func (s *Service) resolveLayers(ctx context.Context, r *protocol.Request, arns []string) ([]LayerReference, []string, error) {
	var refs []LayerReference
	var blobs []string
	for _, arn := range arns {
		ref, n, _ := parseLayerVersionARN(arn)
		if ref.Region != r.Region {
			return nil, nil, errInvalidParameter.Errorf(msgLayerRegionFmt, r.Region)
		}
		var row *layerRow
		if err := s.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			row, err = getLayerVersionRow(tx, ref, n)
			return err
		}); err != nil {
			return nil, nil, err
		}
		if row == nil {
			return nil, nil, errInvalidParameter.Errorf(msgLayerMissing, arn)
		}
		var p *policy.Policy
		if row.policy != "" {
			var err error
			if p, err = s.compile(arn, row.policy); err != nil {
				return nil, nil, err
			}
		}
		if err := r.Authorize(ctx, "lambda:GetLayerVersion", protocol.Target{Resource: arn, Account: ref.Account, Policy: p}, nil); err != nil {
			return nil, nil, err
		}
		refs = append(refs, LayerReference{Arn: arn, CodeSize: row.v.Content.CodeSize})
		blobs = append(blobs, row.blob)
	}
	return refs, blobs, nil
}

// layerRuntimes is the set PublishLayerVersion quotes, as recorded (it
// still names python3.8 and nodejs16.x, which functions can no longer use).
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_layer_exceptions (publish_layer_version_exc_invalid_runtime_arch)
const layerRuntimes = "nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, java25, python3.10, python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, java17, nodejs16.x, dotnet10, dotnet8, java11, dotnet6, nodejs18.x, provided.al2, java8.al2"

// layerFilterRuntimes is the runtime set ListLayers quotes for a
// CompatibleRuntime it does not know, in AWS's order (a hash set's).
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_layer_exceptions (list_layers_exc_compatibleruntime_invalid)
const layerFilterRuntimes = "ruby3.5, ruby2.6, dotnetcore1.0, python3.7, nodejs8.10, nasa, ruby2.7, python2.7-greengrass, dotnetcore2.0, python3.8, java21, dotnet6, dotnetcore2.1, python3.9, java11, nodejs6.10, provided, dotnetcore3.1, dotnet8, java25, java17, nodejs, nodejs4.3, java8.al2, go1.x, dotnet10, nodejs20.x, go1.9, byol, nodejs10.x, provided.al2023, nodejs22.x, python3.10, java8, nodejs12.x, python3.11, nodejs24.x, nodejs8.x, python3.12, nodejs14.x, nodejs8.9, nodejs26.x, python3.13, python3.14, nodejs16.x, python3.15, provided.al2, nodejs4.3-edge, nodejs18.x, ruby3.2, python3.4, ruby3.3, ruby3.4, ruby2.5, python3.6, python2.7"

// checkLayerFilters validates ListLayers' and ListLayerVersions' filters.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_layer_exceptions (list_layers_exc_compatibleruntime_invalid, list_layers_exc_compatiblearchitecture_invalid)
func checkLayerFilters(rt, arch string) error {
	var v validation
	if rt != "" && !slices.Contains(strings.Split(layerFilterRuntimes, ", "), rt) {
		v.errs = append(v.errs, fmt.Sprintf(msgLayerFilterRuntimeFmt, rt, layerFilterRuntimes))
	}
	if arch != "" && arch != "x86_64" && arch != "arm64" {
		v.enum("compatibleArchitecture", arch, []string{"x86_64", "arm64"})
	}
	return v.err()
}
