package s3

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Bucket tags.

// Messages of bucket tagging and versioning.
const (
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_bucket_tagging_crud
	msgNoSuchTagSet = "The TagSet does not exist"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_tagging_validation
	msgDuplicateTag = "Cannot provide multiple Tags with the same key"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_tagging_validation
	msgBadTagKey = "The TagKey you have provided is invalid"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_tagging_validation
	msgBadTagValue = "The TagValue you have provided is invalid"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_tagging_validation
	msgSystemTag = "System tags cannot be added/updated by requester"
	// source: unconfirmed S3's documented limit of 50 tags per bucket; the wording is not in a snapshot
	msgTooManyTags = "Object tags cannot be greater than 50"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketObjectTagging::test_create_bucket_with_tags_exc
	msgCreateBucketSystemTag = `User-defined tag keys can't start with "aws:". This prefix is reserved for system tags. Remove "aws:" from your tag keys and try again.`
)

const maxBucketTags = 50

// tagKeyRe is the character set AWS allows in tag keys and values.
var tagKeyRe = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

type xTag struct {
	Key   *string `xml:"Key"`
	Value *string `xml:"Value"`
}

type xTagging struct {
	TagSet struct {
		Tags []xTag `xml:"Tag"`
	} `xml:"TagSet"`
}

// bucketTag is a stored tag, in the order the request gave it.
type bucketTag struct{ Key, Value string }

func invalidTag(msg, key string) *awserr.Error { return errInvalidTag.New(msg).With("TagKey", key) }

// parseTagging validates a Tagging document as S3 does.
func parseTagging(body []byte) ([]bucketTag, error) {
	var t xTagging
	if err := decodeXML(body, "Tagging", &t); err != nil {
		return nil, err
	}
	return checkTags(t.TagSet.Tags, bucketTagLimit, func(k string) *awserr.Error { return invalidTag(msgSystemTag, k) })
}

// tagLimit is how many tags a resource may carry and the refusal of more.
type tagLimit struct {
	max     int
	tooMany func() *awserr.Error
}

var bucketTagLimit = tagLimit{maxBucketTags, func() *awserr.Error { return errInvalidTag.New(msgTooManyTags) }}

// checkTags validates tags as S3 does; system is the refusal of an "aws:"
// key (PutBucketTagging, CreateBucket and the object operations word it
// differently).
func checkTags(tags []xTag, limit tagLimit, system func(key string) *awserr.Error) ([]bucketTag, error) {
	if len(tags) > limit.max {
		return nil, limit.tooMany()
	}
	seen := map[string]bool{}
	out := make([]bucketTag, 0, len(tags))
	for _, tg := range tags {
		if tg.Key == nil || tg.Value == nil {
			return nil, malformedXML()
		}
		k, v := *tg.Key, *tg.Value
		if seen[k] {
			return nil, invalidTag(msgDuplicateTag, k)
		}
		seen[k] = true
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 || !tagKeyRe.MatchString(k) {
			return nil, invalidTag(msgBadTagKey, k)
		}
		if strings.HasPrefix(k, "aws:") {
			return nil, system(k)
		}
		if utf8.RuneCountInString(v) > 256 || !tagKeyRe.MatchString(v) {
			return nil, invalidTag(msgBadTagValue, k).With("TagValue", v)
		}
		out = append(out, bucketTag{k, v})
	}
	return out, nil
}

func encodeTags(tags []bucketTag) *string {
	if len(tags) == 0 {
		return nil
	}
	b, _ := json.Marshal(tags)
	s := string(b)
	return &s
}

func decodeTags(s *string) []bucketTag {
	if s == nil {
		return nil
	}
	var tags []bucketTag
	if json.Unmarshal([]byte(*s), &tags) != nil {
		return nil
	}
	return tags
}

func (s *Service) putBucketTagging(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	tags, err := parseTagging(body)
	if err != nil {
		return nil, err
	}
	return noContent{}, s.setBucketTags(ctx, b.name, tags)
}

func (s *Service) setBucketTags(ctx context.Context, name string, tags []bucketTag) error {
	return s.updateBucket(ctx, name, func(tx *store.Tx, nb *bucket) error {
		nb.tags = tags
		_, err := tx.Exec(`UPDATE s3_buckets SET tags = ? WHERE name = ?`, encodeTags(tags), nb.name)
		return err
	})
}

func (s *Service) getBucketTagging(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	if len(b.tags) == 0 {
		return nil, errNoSuchTagSet.New(msgNoSuchTagSet).With("BucketName", b.name)
	}
	var x xmlBuilder
	x.header()
	x.root("Tagging")
	x.open("TagSet")
	for _, t := range b.tags {
		x.open("Tag")
		x.elem("Key", t.Key)
		x.elem("Value", t.Value)
		x.close("Tag")
	}
	x.close("TagSet")
	x.close("Tagging")
	return xmlDoc{&x}, nil
}

func (s *Service) deleteBucketTagging(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	return noContent{}, s.setBucketTags(ctx, b.name, nil)
}
