package redact_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"sre.minikube/apps/common/redact"
)

// Each form pgx accepts a password in, with the password as pgx (or the
// person who wrote it) means it, and the string shown in its place.
var forms = []struct {
	name     string
	dsn      string
	password string // decoded
	shown    string
}{
	{"userinfo", "postgres://inv:s3cret@127.0.0.1:55432/inv",
		"s3cret", "postgres://inv:xxxxx@127.0.0.1:55432/inv"},
	{"userinfo, postgresql scheme", "postgresql://inv:s3cret@db/inv?sslmode=disable",
		"s3cret", "postgresql://inv:xxxxx@db/inv?sslmode=disable"},
	{"userinfo holding /", "postgres://inv:s3/cr/et@db/inv",
		"s3/cr/et", "postgres://inv:xxxxx@db/inv"},
	{"userinfo holding #", "postgres://inv:s3#cr#et@db/inv",
		"s3#cr#et", "postgres://inv:xxxxx@db/inv"},
	{"userinfo holding ?", "postgres://inv:s3?cr=et@db/inv?sslmode=disable",
		"s3?cr=et", "postgres://inv:xxxxx@db/inv?sslmode=disable"},
	{"userinfo holding @", "postgres://inv:s3@cr@et@db:5432/inv",
		"s3@cr@et", "postgres://inv:xxxxx@db:5432/inv"},
	{"userinfo holding % not encoding anything", "postgres://inv:50%off!@db/inv",
		"50%off!", "postgres://inv:xxxxx@db/inv"},
	{"userinfo holding :", "postgres://inv:s3:cr:et@db/inv",
		"s3:cr:et", "postgres://inv:xxxxx@db/inv"},
	{"userinfo percent-encoded", "postgres://inv:s3%2Fc%40r%23e%3Ft%25@db/inv",
		"s3/c@r#e?t%", "postgres://inv:xxxxx@db/inv"},
	{"userinfo, several hosts", "postgres://inv:s3cret@db1:5432,db2:5433/inv",
		"s3cret", "postgres://inv:xxxxx@db1:5432,db2:5433/inv"},
	{"password= query parameter", "postgres://inv@db/inv?sslmode=disable&password=s3cret&application_name=x",
		"s3cret", "postgres://inv@db/inv?sslmode=disable&password=xxxxx&application_name=x"},
	{"password= query parameter, first", "postgres://inv@db/inv?password=s3%26cret",
		"s3&cret", "postgres://inv@db/inv?password=xxxxx"},
	{"password= key percent-encoded", "postgres://inv@db/inv?pass%77ord=s3cret",
		"s3cret", "postgres://inv@db/inv?pass%77ord=xxxxx"},
	{"sslpassword= query parameter", "postgres://inv@db/inv?sslpassword=s3cret",
		"s3cret", "postgres://inv@db/inv?sslpassword=xxxxx"},
	{"key/value", "host=db user=inv password=s3cret dbname=inv",
		"s3cret", "host=db user=inv password=xxxxx dbname=inv"},
	{"key/value, spaces around =", "host=db password = s3cret dbname=inv",
		"s3cret", "host=db password = xxxxx dbname=inv"},
	{"key/value, quoted", `host=db password='s3 c\'r\\et' dbname=inv`,
		`s3 c'r\et`, "host=db password='xxxxx' dbname=inv"},
	{"key/value, escaped unquoted", `host=db password=s3\ cret dbname=inv`,
		"s3 cret", "host=db password=xxxxx dbname=inv"},
	{"key/value, unterminated quote", `host=db password='s3 cret`,
		"s3 cret", "host=db password='xxxxx"},
	{"key/value, sslpassword", "host=db sslpassword=s3cret",
		"s3cret", "host=db sslpassword=xxxxx"},
	{"http URL", "http://u:s3cret@h:1/x", "s3cret", "http://u:xxxxx@h:1/x"},
}

func TestRedactForms(t *testing.T) {
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			r := redact.New(f.dsn)
			if got := r.Redact(f.dsn); got != f.shown {
				t.Errorf("Redact(dsn) = %q, want %q", got, f.shown)
			}
			// Text that quotes the password in the ways errors and logs do.
			texts := []string{
				"connect to " + f.dsn + " failed",
				"password " + f.password + " refused",
				fmt.Sprintf("bad value %q", f.password),
				"query " + url.QueryEscape(f.password),
				"path " + url.PathEscape(f.password),
				"userinfo " + url.UserPassword("inv", f.password).String(),
			}
			for _, text := range texts {
				got := r.Redact(text)
				if strings.Contains(got, f.password) {
					t.Errorf("Redact(%q) = %q: shows the password", text, got)
				}
				if !strings.Contains(got, redact.Mask) {
					t.Errorf("Redact(%q) = %q: nothing masked", text, got)
				}
			}
			// The rest of a text stays as it was.
			if got := r.Redact("host db, user inv: refused"); got != "host db, user inv: refused" {
				t.Errorf("Redact changed a text without the password: %q", got)
			}
		})
	}
}

func TestRedactPGPASSWORD(t *testing.T) {
	t.Setenv("PGPASSWORD", "env-s3cret")
	r := redact.New("postgres://inv@db/inv")
	if got := r.Redact("auth env-s3cret failed"); got != "auth xxxxx failed" {
		t.Fatalf("Redact = %q", got)
	}
}

func TestRedactNothingToHide(t *testing.T) {
	cases := []string{"", "postgres://inv@db/inv", "host=db user=inv", "not a connection string"}
	for _, dsn := range cases {
		text := "a log line about " + dsn + " and host db"
		var r *redact.Redactor
		if dsn != "" {
			r = redact.New(dsn)
		}
		if got := r.Redact(text); got != text {
			t.Errorf("New(%q).Redact(%q) = %q", dsn, text, got)
		}
	}
}

func TestAmbiguousUserinfo(t *testing.T) {
	cases := map[string]bool{
		"postgres://inv:s3cret@db/inv":                     false,
		"postgres://inv:s3%40cret@db/inv":                  false,
		"postgres://inv:s3#cr?et@db/inv":                   false,
		"postgres://inv@db/inv?password=a%40b":             false,
		"host=db password=a@b":                             false,
		"postgres://inv:s3@cret@db/inv":                    true,
		"postgres://inv:s3/cret@db/inv":                    true,
		"postgres://inv:s3cret@db/inv?application_name=@x": true,
	}
	for dsn, want := range cases {
		if got := redact.AmbiguousUserinfo(dsn); got != want {
			t.Errorf("AmbiguousUserinfo(%q) = %v, want %v", dsn, got, want)
		}
	}
}
