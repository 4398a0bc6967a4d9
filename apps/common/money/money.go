// Package money holds amounts as integer minor units (cents) so that they
// never pass through binary floating point: 12.15 is read, stored and written
// back as exactly 12.15.
package money

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Scale is the number of fraction digits every supported currency uses
// (EUR, GBP, DKK and most others have two).
const Scale = 2

const minorPerMajor = 100 // 10^Scale

// ErrInvalid is wrapped by every parse error of this package.
var ErrInvalid = errors.New("invalid amount")

// Amount is a non-negative or negative amount of money in minor units.
// Its JSON form is a number with up to Scale fraction digits: 12.15.
type Amount struct {
	minor int64
}

// FromMinor returns the amount of the given minor units (1215 -> 12.15).
func FromMinor(minor int64) Amount { return Amount{minor: minor} }

// Minor returns the amount in minor units.
func (a Amount) Minor() int64 { return a.minor }

// Parse reads a decimal such as "12.15", "-3", "0.5" or "1e2". It refuses
// more than Scale significant fraction digits instead of rounding, and
// values that do not fit in int64 minor units.
func Parse(s string) (Amount, error) {
	orig := s
	fail := func(why string) (Amount, error) {
		return Amount{}, fmt.Errorf("%w %q: %s", ErrInvalid, orig, why)
	}
	if s == "" {
		return fail("empty")
	}
	negative := false
	if s[0] == '-' {
		negative = true
		s = s[1:]
	}
	exponent := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 30 || e < -30 {
			return fail("bad exponent")
		}
		exponent = e
		s = s[:i]
	}
	intPart, fracPart, hasPoint := strings.Cut(s, ".")
	if intPart == "" || (hasPoint && fracPart == "") || !allDigits(intPart) || !allDigits(fracPart) {
		return fail("not a decimal number")
	}
	// Shift the decimal point by the exponent, as plain digit strings.
	digits := intPart + fracPart
	point := len(intPart) + exponent // digits before the decimal point
	// Minor units: the digits up to point+Scale; whatever follows must be zeros.
	cut := point + Scale
	if cut < 0 {
		digits = strings.Repeat("0", -cut) + digits
		cut = 0
	}
	for len(digits) < cut {
		digits += "0"
	}
	if strings.Trim(digits[cut:], "0") != "" {
		return fail(fmt.Sprintf("more than %d fraction digits", Scale))
	}
	whole := strings.TrimLeft(digits[:cut], "0")
	if whole == "" {
		return Amount{}, nil
	}
	minor, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return fail("out of range")
	}
	if negative {
		minor = -minor
	}
	return Amount{minor: minor}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String writes the amount with exactly Scale fraction digits: "12.15", "10.50".
func (a Amount) String() string {
	sign := ""
	minor := a.minor
	if minor < 0 {
		sign = "-"
		if minor == math.MinInt64 {
			// -minor would overflow; this value cannot come from Parse.
			return "-92233720368547758.08"
		}
		minor = -minor
	}
	return fmt.Sprintf("%s%d.%0*d", sign, minor/minorPerMajor, Scale, minor%minorPerMajor)
}

// MarshalJSON writes the amount as a JSON number, never through a float.
func (a Amount) MarshalJSON() ([]byte, error) {
	return []byte(a.String()), nil
}

// UnmarshalJSON accepts only a JSON number (a quoted string is refused, so a
// client cannot rely on a lenient parse that other implementations lack).
func (a *Amount) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] == '"' || bytes.Equal(data, []byte("null")) {
		return fmt.Errorf("%w: want a JSON number such as 12.15, got %s", ErrInvalid, data)
	}
	parsed, err := Parse(string(data))
	if err != nil {
		return err
	}
	*a = parsed
	return nil
}
