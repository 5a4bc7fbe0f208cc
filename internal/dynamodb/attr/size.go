package attr

// MaxItemSize is DynamoDB's item size limit, 400 KB.
const MaxItemSize = 400 * 1024

// ItemSize is an item's size by DynamoDB's rules: the UTF-8 length of each
// attribute name plus the size of its value.
func ItemSize(it Item) int {
	n := 0
	for k, v := range it {
		n += len(k) + Size(v)
	}
	return n
}

// Size is the size of one value, without its name: strings and binaries
// their byte length; numbers one byte per two significant digits plus one;
// booleans and nulls one byte; lists and maps three bytes plus one byte per
// element plus their elements (and, for maps, the element names).
func Size(v Value) int {
	switch v.Kind {
	case S, B:
		return len(v.Str)
	case N:
		return numberSize(v.Str)
	case BOOL, NULL:
		return 1
	case SS, BS:
		n := 0
		for _, m := range v.Set {
			n += len(m)
		}
		return n
	case NS:
		n := 0
		for _, m := range v.Set {
			n += numberSize(m)
		}
		return n
	case L:
		n := 3
		for _, x := range v.List {
			n += 1 + Size(x)
		}
		return n
	case M:
		n := 3
		for k, x := range v.Map {
			n += 1 + len(k) + Size(x)
		}
		return n
	}
	return 0
}

func numberSize(s string) int {
	return (numberDigits(s)+1)/2 + 1
}

// AppendKey appends the binary form of a key attribute value (S, N or B)
// under which items are stored. Byte-wise order of the encodings is
// DynamoDB's order of the values: strings and binaries by their bytes,
// numbers numerically.
func AppendKey(b []byte, v Value) []byte {
	if v.Kind == N {
		return appendNumberKey(b, v.Str)
	}
	return append(b, v.Str...)
}
