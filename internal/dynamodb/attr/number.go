package attr

import (
	"math/big"
	"strings"
)

// DynamoDB numbers are decimals with at most 38 significant digits and a
// magnitude between 1E-130 and 9.99…E+125 (zero aside). DynamoDB keeps only
// the value, not the spelling: "00042", "4.20E1" and "42.0" are all stored and
// returned as "42", always in plain notation without an exponent.
const (
	maxDigits = 38
	// A nonzero number is 0.d1d2… × 10^exp with d1 ≠ 0; these bound exp.
	maxExp = 126  // 9.99…E+125 = 0.999… × 10^126
	minExp = -129 // 1E-130 = 0.1 × 10^-129
)

// Number error messages, as DynamoDB words them.
const (
	msgNotNumeric = "The parameter cannot be converted to a numeric value"
	msgOverflow   = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgUnderflow  = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgPrecision  = "Attempting to store more than 38 significant digits in a Number"
)

// decimal is a parsed number: value = (-1 if neg) × 0.digits × 10^exp, with
// digits free of leading and trailing zeros. Zero has empty digits.
type decimal struct {
	neg    bool
	digits string
	exp    int
}

func (d decimal) isZero() bool { return d.digits == "" }

// parseDecimal reads a number as DynamoDB accepts it: an optional sign,
// digits with an optional point, and an optional exponent. It checks
// precision and range and returns DynamoDB's message on failure.
func parseDecimal(s string) (decimal, string) {
	bad := func() (decimal, string) { return decimal{}, msgNotNumeric + ": " + s }
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	// Mantissa: collect significant digits and where the point falls.
	var buf [64]byte
	digits := buf[:0]
	intDigits := 0 // digits seen before the point (after leading zeros)
	seenDigit, seenPoint := false, false
	leadingFracZeros := 0 // zeros after the point before the first nonzero digit
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			seenDigit = true
			if len(digits) == 0 && c == '0' {
				if seenPoint {
					leadingFracZeros++
				}
				continue
			}
			digits = append(digits, c)
			if !seenPoint {
				intDigits++
			}
			continue
		}
		if c == '.' && !seenPoint {
			seenPoint = true
			continue
		}
		break
	}
	if !seenDigit {
		return bad()
	}
	var e int64
	hasExp := false
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		hasExp = true
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if e > (1<<63-1-9)/10 {
				// Past a 64-bit integer: DynamoDB cannot read it at all.
				return bad()
			}
			e = e*10 + int64(s[i]-'0')
		}
		if i == start {
			return bad()
		}
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return bad()
	}
	// Trailing zeros carry no value.
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		// Zero is range-checked by the exponent it is written with.
		if hasExp && e > maxExp-1 {
			return decimal{}, msgOverflow
		}
		if hasExp && e < minExp-1 {
			return decimal{}, msgUnderflow
		}
		return decimal{}, ""
	}
	var exp int64
	if intDigits > 0 {
		exp = int64(intDigits) + e
	} else {
		exp = int64(-leadingFracZeros) + e
	}
	if exp > maxExp {
		return decimal{}, msgOverflow
	}
	if exp < minExp {
		return decimal{}, msgUnderflow
	}
	if len(digits) > maxDigits {
		return decimal{}, msgPrecision
	}
	return decimal{neg: neg, digits: string(digits), exp: int(exp)}, ""
}

// String formats d the way DynamoDB returns numbers: plain notation, no
// exponent, no superfluous zeros.
func (d decimal) String() string {
	if d.isZero() {
		return "0"
	}
	var b strings.Builder
	n := len(d.digits)
	size := n + 2
	if d.exp > n {
		size += d.exp - n
	} else if d.exp <= 0 {
		size += 1 - d.exp
	}
	b.Grow(size)
	if d.neg {
		b.WriteByte('-')
	}
	switch {
	case d.exp <= 0:
		b.WriteString("0.")
		for i := 0; i < -d.exp; i++ {
			b.WriteByte('0')
		}
		b.WriteString(d.digits)
	case d.exp >= n:
		b.WriteString(d.digits)
		for i := 0; i < d.exp-n; i++ {
			b.WriteByte('0')
		}
	default:
		b.WriteString(d.digits[:d.exp])
		b.WriteByte('.')
		b.WriteString(d.digits[d.exp:])
	}
	return b.String()
}

// cmpDecimal orders two numbers: -1, 0 or +1.
func cmpDecimal(a, b decimal) int {
	sa, sb := a.sign(), b.sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	c := cmpMagnitude(a, b)
	if sa < 0 {
		return -c
	}
	return c
}

func (d decimal) sign() int {
	switch {
	case d.isZero():
		return 0
	case d.neg:
		return -1
	}
	return 1
}

func cmpMagnitude(a, b decimal) int {
	if a.exp != b.exp {
		if a.exp < b.exp {
			return -1
		}
		return 1
	}
	return strings.Compare(a.digits, b.digits)
}

// toBig returns d as an integer coefficient and a power of ten:
// d = coef × 10^scale.
func (d decimal) toBig() (*big.Int, int) {
	c := new(big.Int)
	if d.isZero() {
		return c, 0
	}
	c.SetString(d.digits, 10)
	if d.neg {
		c.Neg(c)
	}
	return c, d.exp - len(d.digits)
}

// fromBig builds a decimal from coef × 10^scale and checks DynamoDB's limits,
// so arithmetic results are held to the same rules as stored numbers.
func fromBig(coef *big.Int, scale int) (decimal, string) {
	if coef.Sign() == 0 {
		return decimal{}, ""
	}
	neg := coef.Sign() < 0
	s := new(big.Int).Abs(coef).String()
	exp := len(s) + scale
	s = strings.TrimRight(s, "0")
	if exp > maxExp {
		return decimal{}, msgOverflow
	}
	if exp < minExp {
		return decimal{}, msgUnderflow
	}
	if len(s) > maxDigits {
		return decimal{}, msgPrecision
	}
	return decimal{neg: neg, digits: s, exp: exp}, ""
}

// addDecimal returns a + b (or a - b when sub), exactly.
func addDecimal(a, b decimal, sub bool) (decimal, string) {
	ac, as := a.toBig()
	bc, bs := b.toBig()
	if sub {
		bc.Neg(bc)
	}
	// Align to the smaller scale.
	scale := min(as, bs)
	ten := big.NewInt(10)
	if as > scale {
		ac.Mul(ac, new(big.Int).Exp(ten, big.NewInt(int64(as-scale)), nil))
	}
	if bs > scale {
		bc.Mul(bc, new(big.Int).Exp(ten, big.NewInt(int64(bs-scale)), nil))
	}
	return fromBig(ac.Add(ac, bc), scale)
}

// NormalizeNumber validates a number as DynamoDB does and returns its stored
// form. The second result is DynamoDB's message when s is not acceptable.
func NormalizeNumber(s string) (string, string) {
	d, msg := parseDecimal(s)
	if msg != "" {
		return "", msg
	}
	return d.String(), ""
}

// CompareNumbers orders two normalized numbers.
func CompareNumbers(a, b string) int {
	da, _ := parseDecimal(a)
	db, _ := parseDecimal(b)
	return cmpDecimal(da, db)
}

// AddNumbers returns a+b (a-b when sub) for normalized numbers, or DynamoDB's
// message when the result falls outside the number type's limits.
func AddNumbers(a, b string, sub bool) (string, string) {
	da, _ := parseDecimal(a)
	db, _ := parseDecimal(b)
	r, msg := addDecimal(da, db, sub)
	if msg != "" {
		return "", msg
	}
	return r.String(), ""
}

// numberDigits is the count of significant digits of a normalized number,
// which DynamoDB's item-size rule uses.
func numberDigits(s string) int {
	n := 0
	start, end := 0, len(s)
	for start < end && (s[start] == '-' || s[start] == '0' || s[start] == '.') {
		start++
	}
	for end > start && (s[end-1] == '0' || s[end-1] == '.') {
		end--
	}
	for i := start; i < end; i++ {
		if s[i] != '.' {
			n++
		}
	}
	return n
}

// appendNumberKey appends an order-preserving binary form of a normalized
// number: byte-wise comparison of two encodings orders the numbers.
//
// Layout: a class byte (1 negative, 2 zero, 3 positive); for positives the
// exponent as one byte then the digits as ASCII; for negatives the exponent
// and every digit inverted, then 0xFF, so that a longer digit string (a
// larger magnitude, a smaller number) sorts first.
func appendNumberKey(b []byte, s string) []byte {
	d, _ := parseDecimal(s)
	switch d.sign() {
	case 0:
		return append(b, 2)
	case 1:
		b = append(b, 3, byte(d.exp-minExp))
		return append(b, d.digits...)
	}
	b = append(b, 1, 255-byte(d.exp-minExp))
	for i := 0; i < len(d.digits); i++ {
		b = append(b, '0'+'9'-d.digits[i])
	}
	return append(b, 0xFF)
}
