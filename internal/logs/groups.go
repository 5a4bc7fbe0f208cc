package logs

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Log group classes.
const (
	classStandard = "STANDARD"
	classIA       = "INFREQUENT_ACCESS"
	classDelivery = "DELIVERY"
)

// group is a stored log group.
type group struct {
	id      int64
	ref     groupRef
	created int64
	class   string
	kms     string
	protect bool
	bytes   int64
	// retention is retentionInDays; 0 means events never expire.
	retention int64
}

// lookupGroup reads a group, or returns nil when there is none.
func lookupGroup(tx *store.Tx, g groupRef) (*group, error) {
	out := &group{ref: g}
	err := tx.QueryRow(`SELECT id, created, class, kms, protect, bytes, retention FROM logs_groups WHERE account = ? AND region = ? AND name = ?`,
		g.account, g.region, g.name).Scan(&out.id, &out.created, &out.class, &out.kms, &out.protect, &out.bytes, &out.retention)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return out, err
}

// insertGroup creates a group; exists reports a name already taken.
func insertGroup(tx *store.Tx, g *group) (exists bool, err error) {
	res, err := tx.Exec(`INSERT INTO logs_groups (account, region, name, created, class, kms, protect) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		g.ref.account, g.ref.region, g.ref.name, g.created, g.class, g.kms, g.protect)
	if store.IsUniqueViolation(err) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	g.id, err = res.LastInsertId()
	return false, err
}

type createLogGroupInput struct {
	LogGroupName              *string           `json:"logGroupName"`
	KmsKeyID                  *string           `json:"kmsKeyId"`
	Tags                      map[string]string `json:"tags"`
	LogGroupClass             *string           `json:"logGroupClass"`
	DeletionProtectionEnabled bool              `json:"deletionProtectionEnabled"`
}

func (s *Service) createLogGroupTarget(_ context.Context, r *protocol.Request) (*createLogGroupInput, protocol.Target, error) {
	var in createLogGroupInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.required(in.LogGroupName, "logGroupName", groupNameShape)
	v.str(in.KmsKeyID, "kmsKeyId", kmsShape)
	v.enum(in.LogGroupClass, "logGroupClass", classStandard, classIA, classDelivery)
	v.tags(in.Tags)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	requestTags(r, in.Tags)
	return &in, groupTarget(ref(r, *in.LogGroupName)), nil
}

// errTagsDenied is AWS's answer when CreateLogGroup carries tags that the
// caller may not apply (logs:TagResource).
func errTagsDenied(account string) string {
	return "User with accountId: " + account + " is not authorized to perform CreateLogGroup with Tags. An additional permission \"logs:TagResource\" is required."
}

func (s *Service) createLogGroup(ctx context.Context, r *protocol.Request, in *createLogGroupInput) (any, error) {
	g := &group{ref: ref(r, *in.LogGroupName), created: millis(r.Now), class: classStandard, kms: deref(in.KmsKeyID), protect: in.DeletionProtectionEnabled}
	if in.LogGroupClass != nil {
		g.class = *in.LogGroupClass
	}
	if len(in.Tags) > 0 {
		// Tagging on create needs logs:TagResource too, on the group's
		// own ARN as the tagging APIs name it.
		err := r.Authorize(ctx, "logs:TagResource", protocol.Target{Resource: g.ref.arn(), Account: g.ref.account}, nil)
		if AccessDenied.Is(err) {
			return nil, AccessDenied.New(errTagsDenied(r.Account())).Wrap(errors.Unwrap(err))
		}
		if err != nil {
			return nil, err
		}
	}
	return nil, s.createGroup(ctx, g, in.Tags)
}

// createGroup stores a new group, answering AWS's errors for a reserved or
// taken name.
func (s *Service) createGroup(ctx context.Context, g *group, tags map[string]string) error {
	if len(g.ref.name) >= 4 && strings.EqualFold(g.ref.name[:4], "aws/") {
		return errInvalidParameter.New(msgReservedAWS)
	}
	// Deliver may remember the group as missing.
	defer s.forgetKnown()
	return s.db.Write(ctx, func(tx *store.Tx) error {
		exists, err := insertGroup(tx, g)
		if exists {
			return errAlreadyExists.New(msgGroupExists)
		}
		if err != nil {
			return err
		}
		return putTags(tx, g.id, tags)
	})
}

type groupNameInput struct {
	LogGroupName *string `json:"logGroupName"`
}

func (s *Service) groupNameTarget(_ context.Context, r *protocol.Request) (*groupNameInput, protocol.Target, error) {
	var in groupNameInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.required(in.LogGroupName, "logGroupName", groupNameShape)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	return &in, groupTarget(ref(r, *in.LogGroupName)), nil
}

func (s *Service) deleteLogGroup(ctx context.Context, r *protocol.Request, in *groupNameInput) (any, error) {
	g := ref(r, *in.LogGroupName)
	// Deliver must look the group's streams up again from now on.
	defer s.forgetKnown()
	return nil, s.db.Write(ctx, func(tx *store.Tx) error {
		rec, err := lookupGroup(tx, g)
		if err != nil {
			return err
		}
		if rec == nil {
			return errNotFound.New(msgGroupNotFound)
		}
		if rec.protect {
			return errValidation.Errorf(msgDeletionProtectedFmt, g.name)
		}
		// Deleting a group removes its streams and every event they hold.
		if _, err := tx.ExecContext(ctx, `DELETE FROM logs_events WHERE gid = ?`, rec.id); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM logs_streams WHERE gid = ?`, rec.id); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM logs_group_tags WHERE gid = ?`, rec.id); err != nil {
			return err
		}
		_, err = tx.Exec(`DELETE FROM logs_groups WHERE id = ?`, rec.id)
		return err
	})
}

type describeLogGroupsInput struct {
	AccountIdentifiers    []string `json:"accountIdentifiers"`
	LogGroupNamePrefix    *string  `json:"logGroupNamePrefix"`
	LogGroupNamePattern   *string  `json:"logGroupNamePattern"`
	NextToken             *string  `json:"nextToken"`
	Limit                 *int64   `json:"limit"`
	IncludeLinkedAccounts bool     `json:"includeLinkedAccounts"`
	LogGroupClass         *string  `json:"logGroupClass"`
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
}

// logGroupOut is CloudWatch Logs' LogGroup.
type logGroupOut struct {
	LogGroupName              string  `json:"logGroupName"`
	CreationTime              int64   `json:"creationTime"`
	MetricFilterCount         int     `json:"metricFilterCount"`
	Arn                       string  `json:"arn"`
	StoredBytes               int64   `json:"storedBytes"`
	KmsKeyID                  *string `json:"kmsKeyId,omitempty"`
	LogGroupClass             string  `json:"logGroupClass"`
	LogGroupArn               string  `json:"logGroupArn"`
	DeletionProtectionEnabled *bool   `json:"deletionProtectionEnabled,omitempty"`
	RetentionInDays           *int64  `json:"retentionInDays,omitempty"`
}

// logGroupBrief is the LogGroup DescribeLogGroups returns when asked with
// a logGroupNamePattern.
type logGroupBrief struct {
	LogGroupName string `json:"logGroupName"`
	CreationTime int64  `json:"creationTime"`
	Arn          string `json:"arn"`
}

type describeLogGroupsOutput struct {
	LogGroups []any   `json:"logGroups"`
	NextToken *string `json:"nextToken,omitempty"`
}

func (s *Service) describeLogGroupsTarget(_ context.Context, r *protocol.Request) (*describeLogGroupsInput, protocol.Target, error) {
	var in describeLogGroupsInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.str(in.LogGroupNamePrefix, "logGroupNamePrefix", groupNameShape)
	v.str(in.LogGroupNamePattern, "logGroupNamePattern", patternShape)
	v.str(in.NextToken, "nextToken", tokenShape)
	v.intRange(in.Limit, "limit", 1, 50)
	v.enum(in.LogGroupClass, "logGroupClass", classStandard, classIA, classDelivery)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		// unconfirmed: AWS's text when both filters are given.
		return nil, protocol.Target{}, errInvalidParameter.New(msgPrefixAndPattern)
	}
	return &in, protocol.Target{Resource: accountAuthARN(r.Region, r.Account()), Account: r.Account()}, nil
}

func (s *Service) describeLogGroups(ctx context.Context, r *protocol.Request, in *describeLogGroupsInput) (any, error) {
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	after := ""
	if in.NextToken != nil {
		var ok bool
		if after, ok = decodeToken(*in.NextToken, "g"); !ok {
			return nil, errInvalidParameter.New(msgBadToken)
		}
	}
	var only map[string]bool
	if len(in.LogGroupIdentifiers) > 0 {
		only = map[string]bool{}
		for _, id := range in.LogGroupIdentifiers {
			id := id
			g, err := resolveIdentifier(r, nil, &id)
			if err != nil {
				return nil, err
			}
			if g.account == r.Account() && g.region == r.Region {
				only[g.name] = true
			}
		}
	}
	prefix := deref(in.LogGroupNamePrefix)
	pattern := deref(in.LogGroupNamePattern)
	out := &describeLogGroupsOutput{LogGroups: []any{}}
	last := ""
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name, created, class, kms, protect, bytes, retention FROM logs_groups
			WHERE account = ? AND region = ? AND name > ? AND name >= ? ORDER BY name`, r.Account(), r.Region, after, prefix)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			g := group{ref: ref(r, "")}
			if err := rows.Scan(&g.ref.name, &g.created, &g.class, &g.kms, &g.protect, &g.bytes, &g.retention); err != nil {
				return err
			}
			if !strings.HasPrefix(g.ref.name, prefix) {
				break // names are sorted: no later one has the prefix
			}
			if !strings.Contains(g.ref.name, pattern) ||
				in.LogGroupClass != nil && g.class != *in.LogGroupClass ||
				only != nil && !only[g.ref.name] {
				continue
			}
			if len(out.LogGroups) == limit {
				tok := encodeToken("g", last)
				out.NextToken = &tok
				break
			}
			last = g.ref.name
			if in.LogGroupNamePattern != nil {
				// With a pattern, AWS returns only these three members.
				out.LogGroups = append(out.LogGroups, logGroupBrief{g.ref.name, g.created, g.ref.describedARN()})
				continue
			}
			out.LogGroups = append(out.LogGroups, g.describe())
		}
		return rows.Err()
	})
	return out, err
}

func (g *group) describe() logGroupOut {
	o := logGroupOut{
		LogGroupName:  g.ref.name,
		CreationTime:  g.created,
		Arn:           g.ref.describedARN(),
		StoredBytes:   g.bytes,
		LogGroupClass: g.class,
		LogGroupArn:   g.ref.arn(),
	}
	if g.kms != "" {
		o.KmsKeyID = &g.kms
	}
	if g.protect {
		t := true
		o.DeletionProtectionEnabled = &t
	}
	if g.retention > 0 {
		days := g.retention
		o.RetentionInDays = &days
	}
	return o
}

// Pagination tokens are opaque to clients: a kind letter and a position,
// base64url-encoded, so that a token of one operation is refused by
// another.
func encodeToken(kind, pos string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "/" + pos))
}

func decodeToken(tok, kind string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", false
	}
	pos, ok := strings.CutPrefix(string(b), kind+"/")
	return pos, ok
}
