// Package postgres opens a connection pool from a libpq URL and applies a
// service's embedded, versioned SQL migrations.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"sre.minikube/apps/common/redact"
)

// DefaultConnectTimeout bounds one connection attempt when the URL does not
// say otherwise (connect_timeout).
const DefaultConnectTimeout = 5 * time.Second

// ParseURL validates a connection string in a form pgx accepts (a libpq
// URL postgres:// or postgresql://, or a key/value string) and returns the
// pool configuration. Errors never carry the password: they show the
// string as redact shows it, and pgx's own message passes through it too.
func ParseURL(value string) (*pgxpool.Config, error) {
	r := redact.New(value)
	if scheme, _, ok := strings.Cut(value, "://"); ok && scheme != "postgres" && scheme != "postgresql" {
		return nil, fmt.Errorf("%s: want a libpq URL postgres://user:password@host:5432/database, got scheme %q", r.Redact(value), r.Redact(scheme))
	}
	if redact.AmbiguousUserinfo(value) {
		// pgx would take part of the password for the host or the path,
		// and quote that part in its errors.
		return nil, fmt.Errorf("%s: an @ or / in the user or password must be percent-encoded (@ as %%40, / as %%2F, and %% itself as %%25), "+
			"and so must an @ in a parameter", r.Redact(value))
	}
	cfg, err := pgxpool.ParseConfig(value)
	if err != nil {
		return nil, fmt.Errorf("invalid connection string %s: %s", r.Redact(value), r.Redact(parseProblem(value, err)))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	return cfg, nil
}

// parseProblem is pgx's message of a connection string it refused, without
// the string: pgx quotes it with its passwords masked on a best-effort
// basis only.
func parseProblem(value string, err error) string {
	message := err.Error()
	var parseErr *pgconn.ParseConfigError
	if !errors.As(err, &parseErr) {
		return message
	}
	// The start of the message that quotes the string, made by pgx itself.
	quoted := (&pgconn.ParseConfigError{ConnString: parseErr.ConnString}).Error()
	if detail, ok := strings.CutPrefix(message, quoted); ok {
		return detail
	}
	return "pgx refused it"
}

// Open returns a pool for cfg. It does not connect yet: the first query
// does, so a service can start while its database is still coming up.
func Open(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create the connection pool: %w", err)
	}
	return pool, nil
}

// Migration is one versioned SQL file, NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationFile = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// Load reads the migrations in the root of fsys, in version order. Every
// file must be named NNNN_name.sql and versions must not repeat.
func Load(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	for _, entry := range entries {
		m := migrationFile.FindStringSubmatch(entry.Name())
		if m == nil || entry.IsDir() {
			return nil, fmt.Errorf("migration %q: want a file named NNNN_name.sql", entry.Name())
		}
		version, _ := strconv.Atoi(m[1])
		sql, err := fs.ReadFile(fsys, path.Clean(entry.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", entry.Name(), err)
		}
		out = append(out, Migration{Version: version, Name: m[2], SQL: string(sql)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migration version %04d appears twice", out[i].Version)
		}
	}
	return out, nil
}

// LockKey is the advisory lock that serialises the migrations of every
// service on a database: replicas starting at once apply each migration
// once, and two services sharing a database never create their tables (or
// schema_migrations itself) at the same time, which Postgres answers with a
// duplicate key in pg_type rather than waiting.
var LockKey = func() int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("sre.minikube migrations"))
	return int64(h.Sum64())
}()

// Migrate applies the migrations of service that the database lacks, each
// in its own transaction, under the session advisory lock LockKey. It returns the
// versions it applied (none when another replica got there first).
func Migrate(ctx context.Context, pool *pgxpool.Pool, service string, migrations []Migration) (applied []int, err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	defer conn.Release()
	key := LockKey
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return nil, fmt.Errorf("take the migration lock: %w", err)
	}
	defer func() {
		// A session lock must not outlive this call on a pooled connection;
		// if unlocking fails the connection is closed, which releases it.
		if _, unlockErr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); unlockErr != nil {
			_ = conn.Hijack().Close(context.WithoutCancel(ctx))
			err = errors.Join(err, fmt.Errorf("release the migration lock: %w", unlockErr))
		}
	}()

	const ddl = `CREATE TABLE IF NOT EXISTS schema_migrations (
		service    text        NOT NULL,
		version    integer     NOT NULL,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now(),
		PRIMARY KEY (service, version))`
	if _, err := conn.Exec(ctx, ddl); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	rows, err := conn.Query(ctx, "SELECT version FROM schema_migrations WHERE service = $1", service)
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	done, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	for _, m := range migrations {
		if slices.Contains(done, int32(m.Version)) {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (service, version, name) VALUES ($1, $2, $3)", service, m.Version, m.Name)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// Retry calls fn until it succeeds or ctx ends, waiting between attempts
// from 100ms doubling up to maxWait; onError hears of each failure. A
// service whose database is not up yet keeps starting instead of crashing.
func Retry(ctx context.Context, maxWait time.Duration, fn func(context.Context) error, onError func(err error, wait time.Duration)) error {
	wait := 100 * time.Millisecond
	for {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("gave up: %w", errors.Join(err, ctx.Err()))
		}
		onError(err, wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return fmt.Errorf("gave up: %w", errors.Join(err, ctx.Err()))
		}
		wait = min(2*wait, maxWait)
	}
}

// ErrNotMigrated is returned by Schema.Ready until the migrations are applied.
var ErrNotMigrated = errors.New("database migrations not applied yet")

// Schema is one service's schema in a database: its migrations, and
// whether this process has seen them applied.
type Schema struct {
	pool     *pgxpool.Pool
	service  string
	files    fs.FS
	migrated atomic.Bool
}

// MigrationsDir is the directory of a service's NNNN_name.sql files in
// the file system it gives NewSchema, which its store package embeds with
//
//	//go:embed migrations/*.sql
const MigrationsDir = "migrations"

// NewSchema returns the schema of service on pool, whose migrations are the
// NNNN_name.sql files in the MigrationsDir of files.
func NewSchema(pool *pgxpool.Pool, service string, files fs.FS) *Schema {
	sub, err := fs.Sub(files, MigrationsDir)
	if err != nil {
		panic(err) // fs.Sub fails only on an invalid name; MigrationsDir is valid
	}
	return &Schema{pool: pool, service: service, files: sub}
}

// Migrations reads the schema's migrations, in version order.
func (s *Schema) Migrations() ([]Migration, error) {
	return Load(s.files)
}

// Migrate applies the missing migrations (under the migration lock, so
// replicas and services starting together apply each once, one after the
// other) and returns the
// versions it applied.
func (s *Schema) Migrate(ctx context.Context) ([]int, error) {
	migrations, err := s.Migrations()
	if err != nil {
		return nil, err
	}
	applied, err := Migrate(ctx, s.pool, s.service, migrations)
	if err != nil {
		return applied, err
	}
	s.migrated.Store(true)
	return applied, nil
}

// Ready reports whether the schema is migrated and the database answers.
func (s *Schema) Ready(ctx context.Context) error {
	if !s.migrated.Load() {
		return ErrNotMigrated
	}
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping the database: %w", err)
	}
	return nil
}

// MigrateUntilDone migrates, retrying while the database is unreachable,
// until it succeeds or ctx ends, and logs the outcome. A service runs it
// in the background: it serves (alive, not ready) in the meantime.
func (s *Schema) MigrateUntilDone(ctx context.Context, logger *slog.Logger) {
	var applied []int
	err := Retry(ctx, 5*time.Second, func(ctx context.Context) error {
		var err error
		applied, err = s.Migrate(ctx)
		return err
	}, func(err error, wait time.Duration) {
		logger.Warn("database not ready", slog.String("error", err.Error()), slog.String("retry_in", wait.String()))
	})
	if err != nil {
		logger.Error("migrations", slog.String("error", err.Error()))
		return
	}
	logger.Info("migrations applied", slog.Any("versions", applied))
}
