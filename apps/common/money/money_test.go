package money

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in    string
		minor int64
		err   bool
	}{
		{"12.15", 1215, false},
		{"10.25", 1025, false},
		{"66.13", 6613, false},
		{"0", 0, false},
		{"0.5", 50, false},
		{"7", 700, false},
		{"12.150", 1215, false},
		{"-3.20", -320, false},
		{"1e2", 10000, false},
		{"1.5E-1", 15, false},
		{"1215e-2", 1215, false},
		{"92233720368547758.07", 9223372036854775807, false},
		{"92233720368547758.08", 0, true},
		{"12.155", 0, true},
		{"5e-3", 0, true},
		{"", 0, true},
		{"-", 0, true},
		{"1.", 0, true},
		{".5", 0, true},
		{"1,5", 0, true},
		{"abc", 0, true},
		{"1e", 0, true},
		{"1e999", 0, true},
		{"0x10", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.err {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Parse(%q) = %v, %v; want an ErrInvalid error", tc.in, got, err)
				}
				return
			}
			if err != nil || got.Minor() != tc.minor {
				t.Fatalf("Parse(%q) = %d, %v; want %d", tc.in, got.Minor(), err, tc.minor)
			}
		})
	}
}

func TestString(t *testing.T) {
	cases := map[int64]string{1215: "12.15", 1025: "10.25", 6613: "66.13", 0: "0.00", 5: "0.05", 50: "0.50", -320: "-3.20", -5: "-0.05"}
	for minor, want := range cases {
		if got := FromMinor(minor).String(); got != want {
			t.Errorf("FromMinor(%d).String() = %q, want %q", minor, got, want)
		}
	}
}

// The wire form must be exactly the decimal that was read: no float on the way.
func TestJSONRoundTrip(t *testing.T) {
	for _, in := range []string{"12.15", "10.25", "66.13", "0.10", "99999999.99", "-0.01"} {
		var a Amount
		if err := json.Unmarshal([]byte(in), &a); err != nil {
			t.Fatalf("Unmarshal(%s): %v", in, err)
		}
		out, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		if string(out) != in {
			t.Errorf("round trip of %s gave %s", in, out)
		}
	}
}

func TestUnmarshalRefusesNonNumbers(t *testing.T) {
	for _, in := range []string{`"12.15"`, `null`, `true`, `[1]`, `{}`} {
		var holder struct {
			V Amount `json:"v"`
		}
		if err := json.Unmarshal([]byte(`{"v":`+in+`}`), &holder); err == nil {
			t.Errorf("Unmarshal of %s succeeded with %v; want an error", in, holder.V)
		}
	}
}
