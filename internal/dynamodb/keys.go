package dynamodb

import (
	"encoding/base64"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
)

// Key size limits: 2048 bytes for a partition key value, 1024 for a sort
// key value.
const (
	maxHashKey  = 2048
	maxRangeKey = 1024
)

// storedKey is an item's key in storage form.
type storedKey struct {
	hk, rk []byte
}

func (k storedKey) id() string { return string(k.hk) + "\x00" + string(k.rk) }

// emptyKeyValue returns the message for an empty string or binary key
// value, or "".
func emptyKeyValue(name string, v attr.Value) string {
	if v.Str != "" || (v.Kind != attr.S && v.Kind != attr.B) {
		return ""
	}
	what := "string"
	if v.Kind == attr.B {
		what = "binary"
	}
	return "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty " + what + " value. Key: " + name
}

func keySize(v attr.Value) int { return attr.Size(v) }

// encode builds the storage key from validated key values.
func (t *table) encode(hv, rv attr.Value) storedKey {
	k := storedKey{hk: attr.AppendKey(make([]byte, 0, len(hv.Str)+4), hv), rk: []byte{}}
	if t.RangeKey != "" {
		k.rk = attr.AppendKey(make([]byte, 0, len(rv.Str)+4), rv)
	}
	return k
}

// itemKey validates the key attributes of a whole item (PutItem, a batch
// put) and returns its storage key. PutItem names the problem; a batch
// reports every schema mismatch as "does not match the schema".
func (t *table) itemKey(it attr.Item, batch bool) (storedKey, error) {
	var vals [2]attr.Value
	for i, name := range t.keyNames() {
		want := t.HashType
		if i == 1 {
			want = t.RangeType
		}
		v, ok := it[name]
		switch {
		case !ok && batch, ok && v.Kind != want && batch:
			return storedKey{}, validation(msgKeySchema)
		case !ok:
			return storedKey{}, validation("One or more parameter values were invalid: Missing the key " + name + " in the item")
		case v.Kind != want:
			return storedKey{}, validation("One or more parameter values were invalid: Type mismatch for key " + name +
				" expected: " + want.String() + " actual: " + v.Kind.String())
		}
		if msg := emptyKeyValue(name, v); msg != "" {
			return storedKey{}, validation(msg)
		}
		vals[i] = v
	}
	if err := t.keySizes(vals[0], vals[1]); err != nil {
		return storedKey{}, err
	}
	return t.encode(vals[0], vals[1]), nil
}

// keyOf validates a Key parameter (GetItem, DeleteItem, UpdateItem, batch
// keys): exactly the key attributes, of the right types.
func (t *table) keyOf(k attr.Item) (storedKey, error) {
	names := t.keyNames()
	if len(k) != len(names) {
		return storedKey{}, validation(msgKeySchema)
	}
	var vals [2]attr.Value
	for i, name := range names {
		want := t.HashType
		if i == 1 {
			want = t.RangeType
		}
		v, ok := k[name]
		if !ok || v.Kind != want {
			return storedKey{}, validation(msgKeySchema)
		}
		vals[i] = v
	}
	for i, name := range names {
		if msg := emptyKeyValue(name, vals[i]); msg != "" {
			return storedKey{}, validation(msg)
		}
	}
	if err := t.keySizes(vals[0], vals[1]); err != nil {
		return storedKey{}, err
	}
	return t.encode(vals[0], vals[1]), nil
}

func (t *table) keySizes(hv, rv attr.Value) error {
	if keySize(hv) > maxHashKey {
		return validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
	}
	if t.RangeKey != "" && keySize(rv) > maxRangeKey {
		return validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
	}
	return nil
}

// keyItem returns the key attributes of an item, as LastEvaluatedKey and
// UnprocessedKeys show them.
func (t *table) keyItem(it attr.Item) attr.Item {
	k := attr.Item{t.HashKey: it[t.HashKey]}
	if t.RangeKey != "" {
		k[t.RangeKey] = it[t.RangeKey]
	}
	return k
}

// leadingKey is a partition key value as the dynamodb:LeadingKeys
// condition key carries it: the string, the number as written in storage
// form, or the binary in base64.
func leadingKey(v attr.Value) string {
	if v.Kind == attr.B {
		return base64.StdEncoding.EncodeToString([]byte(v.Str))
	}
	return v.Str
}
