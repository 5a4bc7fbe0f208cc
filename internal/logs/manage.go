package logs

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// This file holds the operations tools call to manage a log group after
// creating it: retention policies, stream deletion and tags.

// retentionDays are the values retentionInDays may take, in the order the
// service model's Days shape documents them.
var retentionDays = []int64{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// maxTags is how many tags a log group may carry.
const maxTags = 50

type putRetentionPolicyInput struct {
	LogGroupName    *string `json:"logGroupName"`
	RetentionInDays *int64  `json:"retentionInDays"`
}

func (s *Service) putRetentionPolicyTarget(_ context.Context, r *protocol.Request) (*putRetentionPolicyInput, protocol.Target, error) {
	var in putRetentionPolicyInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.required(in.LogGroupName, "logGroupName", groupNameShape)
	if in.RetentionInDays == nil {
		v.add(nil, "retentionInDays", msgNotNull)
	} else if !validRetention(*in.RetentionInDays) {
		allowed := make([]string, len(retentionDays))
		for i, d := range retentionDays {
			allowed[i] = strconv.FormatInt(d, 10)
		}
		days := strconv.FormatInt(*in.RetentionInDays, 10)
		v.add(&days, "retentionInDays", fmt.Sprintf(msgEnumFmt, strings.Join(allowed, ", ")))
	}
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	return &in, groupTarget(ref(r, *in.LogGroupName)), nil
}

func validRetention(d int64) bool {
	for _, a := range retentionDays {
		if a == d {
			return true
		}
	}
	return false
}

func (s *Service) putRetentionPolicy(ctx context.Context, r *protocol.Request, in *putRetentionPolicyInput) (any, error) {
	return nil, s.setRetention(ctx, ref(r, *in.LogGroupName), *in.RetentionInDays)
}

func (s *Service) deleteRetentionPolicy(ctx context.Context, r *protocol.Request, in *groupNameInput) (any, error) {
	return nil, s.setRetention(ctx, ref(r, *in.LogGroupName), 0)
}

// setRetention records a group's retention; seki keeps events regardless,
// as its data lives only as long as the data directory.
func (s *Service) setRetention(ctx context.Context, g groupRef, days int64) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE logs_groups SET retention = ? WHERE account = ? AND region = ? AND name = ?`, days, g.account, g.region, g.name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = errNotFound.New(msgGroupNotFound)
			}
			return err
		}
		return nil
	})
}

func (s *Service) deleteLogStreamTarget(_ context.Context, r *protocol.Request) (*streamInput, protocol.Target, error) {
	var in streamInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.required(in.LogGroupName, "logGroupName", groupNameShape)
	v.required(in.LogStreamName, "logStreamName", streamNameShape)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	g := ref(r, *in.LogGroupName)
	return &in, protocol.Target{Resource: g.streamARN(*in.LogStreamName), Account: g.account}, nil
}

// deleteLogStream removes a stream and its events, and takes their bytes
// off the group's storedBytes.
func (s *Service) deleteLogStream(ctx context.Context, r *protocol.Request, in *streamInput) (any, error) {
	// Deliver must look the stream up again from now on.
	defer s.forgetKnown()
	return nil, s.db.Write(ctx, func(tx *store.Tx) error {
		rec, err := lookupGroup(tx, ref(r, *in.LogGroupName))
		if err != nil {
			return err
		}
		if rec == nil {
			return errNotFound.New(msgGroupNotFound)
		}
		st, err := lookupStream(tx, rec.id, *in.LogStreamName)
		if err != nil {
			return err
		}
		if st == nil {
			return errNotFound.New(msgStreamNotFound)
		}
		var bytes int64
		if err := tx.QueryRow(`SELECT COALESCE(SUM(LENGTH(CAST(message AS BLOB))), 0) FROM logs_events WHERE sid = ?`, st.id).Scan(&bytes); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM logs_events WHERE sid = ?`, st.id); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM logs_streams WHERE id = ?`, st.id); err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE logs_groups SET bytes = MAX(bytes - ?, 0) WHERE id = ?`, bytes, rec.id)
		return err
	})
}

// Tags.
//
// TagLogGroup, UntagLogGroup and ListTagsLogGroup (deprecated, by name) are
// authorized like every group-level action; TagResource, UntagResource and
// ListTagsForResource name the group by its ARN and are authorized against
// that ARN, the form CreateLogGroup's tag check names too.

type tagsInput struct {
	LogGroupName *string           `json:"logGroupName"`
	ResourceArn  *string           `json:"resourceArn"`
	Tags         map[string]string `json:"tags"`

	group groupRef
}

type untagInput struct {
	LogGroupName *string  `json:"logGroupName"`
	ResourceArn  *string  `json:"resourceArn"`
	Tags         []string `json:"tags"`    // UntagLogGroup
	TagKeys      []string `json:"tagKeys"` // UntagResource

	group groupRef
}

type tagsOutput struct {
	Tags map[string]string `json:"tags"`
}

// requestTags puts the tags a request applies into its condition context,
// as aws:RequestTag/KEY and aws:TagKeys.
func requestTags(r *protocol.Request, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	keys := make([]string, 0, len(tags))
	for k, val := range tags {
		keys = append(keys, k)
		r.Context.Set("aws:RequestTag/"+k, val)
	}
	sort.Strings(keys)
	r.Context.Set("aws:TagKeys", keys...)
}

func (v *violations) tagsRequired(tags map[string]string) {
	if tags == nil {
		v.add(nil, "tags", msgNotNull)
		return
	}
	if len(tags) == 0 {
		s := "{}"
		v.add(&s, "tags", fmt.Sprintf(msgMinLenFmt, 1))
	}
	v.tags(tags)
}

func (v *violations) tagKeys(keys []string, member string) {
	if keys == nil {
		v.add(nil, member, msgNotNull)
		return
	}
	if len(keys) == 0 || len(keys) > 50 {
		s := "[" + strings.Join(keys, ", ") + "]"
		if len(keys) == 0 {
			v.add(&s, member, fmt.Sprintf(msgMinLenFmt, 1))
		} else {
			v.add(&s, member, fmt.Sprintf(msgMaxLenFmt, 50))
		}
	}
}

// resourceGroup resolves a resourceArn naming a log group.
func resourceGroup(member string, arn *string, v *violations) (groupRef, error) {
	if arn == nil {
		v.add(nil, member, msgNotNull)
		return groupRef{}, nil
	}
	parts := strings.SplitN(*arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" || parts[6] == "" {
		return groupRef{}, errInvalidParameter.New(msgBadResourceARN + *arn)
	}
	return groupRef{account: parts[4], region: parts[3], name: strings.TrimSuffix(parts[6], ":*")}, nil
}

// resourceTarget is what the ARN-taking tag APIs are authorized against:
// the group's bare ARN.
func resourceTarget(g groupRef) protocol.Target {
	return protocol.Target{Resource: g.arn(), Account: g.account}
}

func (s *Service) tagLogGroupTarget(_ context.Context, r *protocol.Request) (*tagsInput, protocol.Target, error) {
	var in tagsInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.required(in.LogGroupName, "logGroupName", groupNameShape)
	v.tagsRequired(in.Tags)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	in.group = ref(r, *in.LogGroupName)
	requestTags(r, in.Tags)
	return &in, groupTarget(in.group), nil
}

func (s *Service) tagResourceTarget(_ context.Context, r *protocol.Request) (*tagsInput, protocol.Target, error) {
	var in tagsInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	g, err := resourceGroup("resourceArn", in.ResourceArn, &v)
	v.tagsRequired(in.Tags)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	if err != nil {
		return nil, protocol.Target{}, err
	}
	in.group = g
	requestTags(r, in.Tags)
	return &in, resourceTarget(g), nil
}

func (s *Service) tagLogGroup(ctx context.Context, _ *protocol.Request, in *tagsInput) (any, error) {
	return nil, s.db.Write(ctx, func(tx *store.Tx) error {
		rec, err := lookupGroup(tx, in.group)
		if err != nil {
			return err
		}
		if rec == nil {
			return errNotFound.New(msgGroupNotFound)
		}
		if err := putTags(tx, rec.id, in.Tags); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM logs_group_tags WHERE gid = ?`, rec.id).Scan(&n); err != nil {
			return err
		}
		if n > maxTags {
			// The transaction rolls back: the group keeps its tags.
			return errTooManyTags.New(msgTooManyTags)
		}
		return nil
	})
}

// tagResource answers TagResource, which returns nothing, like TagLogGroup.
func (s *Service) tagResource(ctx context.Context, r *protocol.Request, in *tagsInput) (any, error) {
	return s.tagLogGroup(ctx, r, in)
}

func putTags(tx *store.Tx, gid int64, tags map[string]string) error {
	for k, val := range tags {
		if _, err := tx.Exec(`INSERT INTO logs_group_tags (gid, key, value) VALUES (?, ?, ?)
			ON CONFLICT (gid, key) DO UPDATE SET value = excluded.value`, gid, k, val); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) untagLogGroupTarget(_ context.Context, r *protocol.Request) (*untagInput, protocol.Target, error) {
	var in untagInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.required(in.LogGroupName, "logGroupName", groupNameShape)
	v.tagKeys(in.Tags, "tags")
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	in.group = ref(r, *in.LogGroupName)
	r.Context.Set("aws:TagKeys", in.Tags...)
	return &in, groupTarget(in.group), nil
}

func (s *Service) untagResourceTarget(_ context.Context, r *protocol.Request) (*untagInput, protocol.Target, error) {
	var in untagInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	g, err := resourceGroup("resourceArn", in.ResourceArn, &v)
	v.tagKeys(in.TagKeys, "tagKeys")
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	if err != nil {
		return nil, protocol.Target{}, err
	}
	in.group, in.Tags = g, in.TagKeys
	r.Context.Set("aws:TagKeys", in.Tags...)
	return &in, resourceTarget(g), nil
}

func (s *Service) untagLogGroup(ctx context.Context, _ *protocol.Request, in *untagInput) (any, error) {
	return nil, s.db.Write(ctx, func(tx *store.Tx) error {
		rec, err := lookupGroup(tx, in.group)
		if err != nil {
			return err
		}
		if rec == nil {
			return errNotFound.New(msgGroupNotFound)
		}
		for _, k := range in.Tags {
			if _, err := tx.Exec(`DELETE FROM logs_group_tags WHERE gid = ? AND key = ?`, rec.id, k); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) untagResource(ctx context.Context, r *protocol.Request, in *untagInput) (any, error) {
	return s.untagLogGroup(ctx, r, in)
}

func (s *Service) listTagsLogGroup(ctx context.Context, r *protocol.Request, in *groupNameInput) (any, error) {
	return s.listTags(ctx, ref(r, *in.LogGroupName))
}

type listTagsForResourceInput struct {
	ResourceArn *string `json:"resourceArn"`
	group       groupRef
}

func (s *Service) listTagsForResourceTarget(_ context.Context, r *protocol.Request) (*listTagsForResourceInput, protocol.Target, error) {
	var in listTagsForResourceInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	g, err := resourceGroup("resourceArn", in.ResourceArn, &v)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	if err != nil {
		return nil, protocol.Target{}, err
	}
	in.group = g
	return &in, resourceTarget(g), nil
}

func (s *Service) listTagsForResource(ctx context.Context, _ *protocol.Request, in *listTagsForResourceInput) (any, error) {
	return s.listTags(ctx, in.group)
}

func (s *Service) listTags(ctx context.Context, g groupRef) (*tagsOutput, error) {
	out := &tagsOutput{Tags: map[string]string{}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rec, err := lookupGroup(tx, g)
		if err != nil {
			return err
		}
		if rec == nil {
			return errNotFound.New(msgGroupNotFound)
		}
		rows, err := tx.QueryContext(ctx, `SELECT key, value FROM logs_group_tags WHERE gid = ?`, rec.id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, val string
			if err := rows.Scan(&k, &val); err != nil {
				return err
			}
			out.Tags[k] = val
		}
		return rows.Err()
	})
	return out, err
}
