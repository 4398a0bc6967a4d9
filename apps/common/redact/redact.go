// Package redact hides the password of a connection string (DATABASE_URL)
// wherever it could show: in the string itself and in any text that may
// quote it (a log line, an error of the driver). It knows every form pgx
// accepts: a URL's userinfo (its password in any characters, raw or
// percent-encoded), a password= or sslpassword= query parameter, and a
// key/value string (password=... or password='...').
package redact

import (
	"cmp"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Mask replaces every password.
const Mask = "xxxxx"

// Redactor hides the passwords of one connection string. The zero value
// (and nil) hides nothing. It is safe for concurrent use.
type Redactor struct {
	dsn     string   // the connection string as given
	shown   string   // dsn with each password masked in place
	secrets []string // every spelling of a password, longest first
}

// New returns the Redactor of dsn, a connection string in any form (a
// string that is no connection string at all gives one that hides
// nothing but what looks like a password in it).
func New(dsn string) *Redactor {
	r := &Redactor{dsn: dsn}
	spans, secrets := find(dsn)
	r.shown = maskSpans(dsn, spans)
	// What pgx makes of it (also a password given in PGPASSWORD), unless
	// pgx would read a password other than the one meant: then it is a
	// part of it, and the whole is already a secret.
	if cfg, err := pgconn.ParseConfig(dsn); err == nil && !AmbiguousUserinfo(dsn) {
		secrets = append(secrets, cfg.Password)
	}
	for _, s := range secrets {
		r.add(s)
	}
	slices.SortFunc(r.secrets, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return r
}

// add records secret and the spellings it takes when escaped: in a URL
// (query, path, userinfo) and quoted by Go (%q).
func (r *Redactor) add(secret string) {
	if secret == "" {
		return
	}
	userinfo := strings.TrimPrefix(url.UserPassword("u", secret).String(), "u:")
	quoted := strconv.Quote(secret)
	for _, s := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret), userinfo, quoted[1 : len(quoted)-1]} {
		if s != "" && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
}

// Redact returns text with the connection string shown with its passwords
// masked and every other spelling of a password replaced by Mask. This is
// the one redaction of the services: their log lines and errors all pass
// through it.
func (r *Redactor) Redact(text string) string {
	if r == nil || r.dsn == "" {
		return text
	}
	text = strings.ReplaceAll(text, r.dsn, r.shown)
	for _, s := range r.secrets {
		text = strings.ReplaceAll(text, s, Mask)
	}
	return text
}

// AmbiguousUserinfo reports whether dsn is a URL with an '@' after the
// userinfo as pgx reads it (up to the first '@' before a '/'): a password
// (or user) holding an '@', or a '/' before its '@', that was not
// percent-encoded. pgx then reads part of the password as the host or the
// path, so the connection fails and its errors would quote that part.
func AmbiguousUserinfo(dsn string) bool {
	m := scheme.FindStringIndex(dsn)
	if m == nil {
		return false
	}
	rest := dsn[m[1]:]
	if i := strings.IndexAny(rest, "@/"); i >= 0 && rest[i] == '@' {
		rest = rest[i+1:]
	}
	return strings.Contains(rest, "@")
}

// span is the byte range [from, to) of a password in the connection string.
type span struct{ from, to int }

var scheme = regexp.MustCompile(`\A[A-Za-z][A-Za-z0-9+.-]*://`)

// find returns where the passwords are in dsn and what they mean (each
// raw and decoded).
func find(dsn string) ([]span, []string) {
	if m := scheme.FindStringIndex(dsn); m != nil {
		return findURL(dsn, m[1])
	}
	return findKeyValue(dsn)
}

// findURL reads a URL from start, the end of "scheme://". The userinfo is
// read twice: as libpq and pgx read it (up to the first '@' before a '/')
// and as a person who did not encode '@', '/', '?' or '#' in the password
// meant it (up to the last '@'); the masked range covers both.
func findURL(dsn string, start int) ([]span, []string) {
	var spans []span
	var secrets []string
	rest := dsn[start:]
	addURL := func(from, to int) {
		if from < to {
			spans = append(spans, span{start + from, start + to})
			raw := rest[from:to]
			secrets = append(secrets, raw, percentDecode(raw))
		}
	}
	if last := strings.LastIndexByte(rest, '@'); last >= 0 {
		if colon := strings.IndexByte(rest[:last], ':'); colon >= 0 {
			// The libpq reading ends at the first '@', within this range;
			// its password is a secret of its own only when the two agree.
			addURL(colon+1, last)
		}
	}
	// Query parameters: a key=value after any '?' or '&' (a '?' in the
	// password does not hide one that follows); keys are percent-decoded
	// as pgx does (pass%77ord is password).
	for i := 0; i < len(rest); i++ {
		if rest[i] != '?' && rest[i] != '&' {
			continue
		}
		pair := rest[i+1:]
		if end := strings.IndexByte(pair, '&'); end >= 0 {
			pair = pair[:end]
		}
		if key, _, found := strings.Cut(pair, "="); found && isPasswordKey(percentDecode(strings.Trim(key, " "))) {
			addURL(i+1+len(key)+1, i+1+len(pair))
		}
	}
	return spans, secrets
}

// findKeyValue reads a key/value string the way pgx does: key = value,
// the value unquoted up to a space or quoted in '...', a backslash
// escaping the next character in either.
func findKeyValue(dsn string) ([]span, []string) {
	var spans []span
	var secrets []string
	i := 0
	for i < len(dsn) {
		for i < len(dsn) && isSpace(dsn[i]) {
			i++
		}
		eq := strings.IndexByte(dsn[i:], '=')
		if eq < 0 {
			break
		}
		key := strings.TrimSpace(dsn[i : i+eq])
		i += eq + 1
		for i < len(dsn) && isSpace(dsn[i]) {
			i++
		}
		from, to, next := i, i, i
		if i < len(dsn) && dsn[i] == '\'' {
			from = i + 1
			to = from
			for to < len(dsn) && dsn[to] != '\'' {
				if dsn[to] == '\\' {
					to++
				}
				to++
			}
			to = min(to, len(dsn)) // unterminated: the rest is the value
			next = min(to+1, len(dsn))
		} else {
			for to < len(dsn) && !isSpace(dsn[to]) {
				if dsn[to] == '\\' {
					to++
				}
				to++
			}
			to = min(to, len(dsn))
			next = to
		}
		if isPasswordKey(key) && from < to {
			spans = append(spans, span{from, to})
			raw := dsn[from:to]
			secrets = append(secrets, raw, unescape(raw))
		}
		i = next
	}
	return spans, secrets
}

func isPasswordKey(key string) bool { return key == "password" || key == "sslpassword" }

func isSpace(c byte) bool { return strings.IndexByte(" \t\n\r\v\f", c) >= 0 }

// maskSpans returns dsn with every span replaced by Mask (overlapping
// spans merged).
func maskSpans(dsn string, spans []span) string {
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.from < pos { // within or across a masked span: extend it
			pos = max(pos, s.to)
			continue
		}
		b.WriteString(dsn[pos:s.from])
		b.WriteString(Mask)
		pos = s.to
	}
	b.WriteString(dsn[pos:])
	return b.String()
}

// percentDecode decodes the valid %XX escapes of s and keeps the rest as
// it is (pgx refuses the rest, but it is still the password).
func percentDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescape removes the backslash escapes of a key/value string's value.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			if i == len(s) {
				break
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
