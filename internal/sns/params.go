package sns

import (
	"net/url"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
)

// attrMap is a query-protocol map as SNS writes it:
// <Attributes><entry><key>K</key><value>V</value></entry>…</Attributes>.
type attrMap struct {
	Entries []attrEntry `xml:"entry"`
}

type attrEntry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func newAttrMap(m map[string]string) attrMap {
	out := attrMap{Entries: make([]attrEntry, 0, len(m))}
	for _, k := range sortedKeys(m) {
		out.Entries = append(out.Entries, attrEntry{k, m[k]})
	}
	return out
}

// readMap reads a map parameter sent as NAME.entry.N.key / .value.
func readMap(p url.Values, name string) map[string]string {
	entries := protocol.MemberStructs(p, name+".entry", "key", "value")
	if len(entries) == 0 {
		return nil
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		m[e["key"]] = e["value"]
	}
	return m
}

// tag is one Tags.member.N entry.
type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// readTags reads Tags.member.N.Key / .Value, refusing duplicated keys as
// SNS does.
func readTags(p url.Values) (map[string]string, error) {
	entries := protocol.MemberStructs(p, "Tags.member", "Key", "Value")
	if entries == nil {
		return nil, nil
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		if _, dup := m[e["Key"]]; dup {
			return nil, errInvalidParameter.New(msgDuplicateTagKeys)
		}
		m[e["Key"]] = e["Value"]
	}
	return m, nil
}

// topicRef is a parsed topic ARN.
type topicRef struct {
	arn, region, account, name string
}

// parseTopicARN validates a TopicArn-like parameter as SNS does: six
// colon-separated parts, service sns, and the request's region.
func parseTopicARN(param, v, region string) (topicRef, error) {
	if v == "" {
		return topicRef{}, errInvalidParameter.Errorf(msgParamMissingFmt, param)
	}
	parts := strings.Split(v, ":")
	if len(parts) < 6 {
		return topicRef{}, arnElements(param, len(parts))
	}
	if parts[0] != "arn" || parts[2] != "sns" || len(parts) != 6 || !validTopicName(parts[5]) {
		return topicRef{}, errInvalidParameter.Errorf(msgParamFmt, param)
	}
	if parts[3] != region {
		return topicRef{}, errInvalidParameter.New(msgTopicArnOtherRegion)
	}
	return topicRef{arn: v, region: parts[3], account: parts[4], name: parts[5]}, nil
}

// validTopicName is SNS's rule: 1 to 256 letters, digits, hyphens and
// underscores, and a FIFO topic's ".fifo" suffix.
func validTopicName(name string) bool {
	base := strings.TrimSuffix(name, ".fifo")
	if base == "" || len(name) > 256 {
		return false
	}
	for i := 0; i < len(base); i++ {
		c := base[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isFIFOName(name string) bool { return strings.HasSuffix(name, ".fifo") }

func topicARN(region, account, name string) string {
	return "arn:aws:sns:" + region + ":" + account + ":" + name
}
