package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sre.minikube/apps/common/pgtest"
	"sre.minikube/apps/common/postgres"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		name, value, wantErr string
	}{
		{"url", "postgres://app:s3cret@db:5432/invoices", ""},
		{"postgresql scheme", "postgresql://app:s3cret@db/invoices?sslmode=disable", ""},
		{"key=value form", "host=db user=app password=s3cret", ""},
		{"key=value form, quoted", `host=db user=app password='s3cret \' x' dbname=invoices`, ""},
		{"http", "http://app:s3cret@db/invoices", "want a libpq URL"},
		{"bad escape", "postgres://app:s3cret@db/%zz", "invalid percent-encoded token"},
		{"bad setting", "postgres://app:s3cret@db/invoices?sslmode=sometimes", "invalid connection string"},
		{"bad port", "postgres://app:s3cret@db:99999/invoices", "invalid connection string"},
		{"bad escape in the password", "postgres://app:s3cret%zz@db/invoices", "invalid percent-encoded token in password"},
		{"unterminated quote", "host=db password='s3cret", "unterminated quoted string"},
		{"@ in the password", "postgres://app:s3c@ret@db/invoices", "must be percent-encoded"},
		{"/ in the password", "postgres://app:s3c/ret@db/invoices", "must be percent-encoded"},
		{"@ in a parameter", "postgres://app:s3cret@db/invoices?application_name=a@b", "must be percent-encoded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := postgres.ParseURL(tc.value)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseURL = %v", err)
				}
				if cfg.ConnConfig.ConnectTimeout != postgres.DefaultConnectTimeout {
					t.Errorf("ConnectTimeout = %s", cfg.ConnConfig.ConnectTimeout)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ParseURL error = %v; want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "s3c") || strings.Contains(err.Error(), "ret") {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
}

func TestConnectTimeoutFromURL(t *testing.T) {
	cfg, err := postgres.ParseURL("postgres://app@db/invoices?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ConnConfig.ConnectTimeout != 2*time.Second {
		t.Fatalf("ConnectTimeout = %s, want 2s", cfg.ConnConfig.ConnectTimeout)
	}
}

func TestLoad(t *testing.T) {
	good := fstest.MapFS{
		"0002_seed.sql":   {Data: []byte("INSERT 2")},
		"0001_schema.sql": {Data: []byte("CREATE 1")},
	}
	migrations, err := postgres.Load(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(migrations) != 2 || migrations[0].Version != 1 || migrations[0].Name != "schema" || migrations[1].SQL != "INSERT 2" {
		t.Fatalf("Load = %+v", migrations)
	}
	bad := map[string]fstest.MapFS{
		"no version":      {"schema.sql": {}},
		"short version":   {"1_schema.sql": {}},
		"not sql":         {"0001_schema.txt": {}},
		"repeated":        {"0001_a.sql": {}, "0001_b.sql": {}},
		"directory":       {"0001_dir.sql/x": {}},
		"upper-case name": {"0001_Schema.sql": {}},
	}
	for name, fsys := range bad {
		if _, err := postgres.Load(fsys); err == nil {
			t.Errorf("%s: Load accepted it", name)
		}
	}
}

func TestSchemaMigrations(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("SELECT 1;")}
	cases := []struct {
		name    string
		files   fstest.MapFS
		want    []int // versions Load finds
		wantErr bool
	}{
		{"migrations dir", fstest.MapFS{"migrations/0001_a.sql": sql, "migrations/0002_b.sql": sql}, []int{1, 2}, false},
		{"files elsewhere are not migrations", fstest.MapFS{"0001_a.sql": sql, "other/0002_b.sql": sql, "migrations/0003_c.sql": sql}, []int{3}, false},
		{"no migrations dir", fstest.MapFS{"0001_a.sql": sql}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			migrations, err := postgres.NewSchema(nil, "svc", c.files).Migrations()
			var got []int
			for _, m := range migrations {
				got = append(got, m.Version)
			}
			if (err != nil) != c.wantErr || !slices.Equal(got, c.want) {
				t.Errorf("Migrations() = %v, %v; want %v, error %v", got, err, c.want, c.wantErr)
			}
		})
	}
}

// TestServicesMigrateTogether starts the migrations of several services at
// once on one database, round after round: none may fail (each service
// creates its tables, and the first of them schema_migrations, while the
// others wait for the lock instead of colliding in pg_type).
func TestServicesMigrateTogether(t *testing.T) {
	const services, rounds = 6, 4
	for round := range rounds {
		ctx := context.Background()
		cfg, err := postgres.ParseURL(pgtest.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		cfg.MaxConns = services
		pool, err := postgres.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		errs := make(chan error, services)
		for i := range services {
			name := fmt.Sprintf("service%d", i)
			migrations := []postgres.Migration{
				{Version: 1, Name: "tables", SQL: fmt.Sprintf("CREATE TABLE %s_a (id int); CREATE TYPE %s_kind AS ENUM ('x')", name, name)},
				{Version: 2, Name: "more", SQL: fmt.Sprintf("CREATE TABLE %s_b (id int)", name)},
			}
			go func() {
				<-start
				_, err := postgres.Migrate(ctx, pool, name, migrations)
				errs <- err
			}()
		}
		close(start)
		for range services {
			if err := <-errs; err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
		var count int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&count); err != nil || count != 2*services {
			t.Errorf("round %d: %d migrations recorded (%v), want %d", round, count, err, 2*services)
		}
		pool.Close()
	}
}

func TestRetry(t *testing.T) {
	calls := 0
	err := postgres.Retry(context.Background(), time.Millisecond, func(context.Context) error {
		calls++
		if calls < 3 {
			return errors.New("not yet")
		}
		return nil
	}, func(error, time.Duration) {})
	if err != nil || calls != 3 {
		t.Fatalf("Retry = %v after %d calls; want nil after 3", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := postgres.Retry(ctx, time.Millisecond, func(context.Context) error { return errors.New("down") }, func(error, time.Duration) {}); err == nil {
		t.Fatal("Retry ignored the cancelled context")
	}
}

// A migration that fails leaves nothing behind and is retried next time.
func TestMigrateRollsBackAFailedMigration(t *testing.T) {
	ctx := context.Background()
	cfg, err := postgres.ParseURL(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := postgres.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	broken := []postgres.Migration{
		{Version: 1, Name: "one", SQL: "CREATE TABLE one (id int)"},
		{Version: 2, Name: "two", SQL: "CREATE TABLE two (id int); SELECT no_such_function()"},
	}
	applied, err := postgres.Migrate(ctx, pool, "svc", broken)
	if err == nil || len(applied) != 1 || !strings.Contains(err.Error(), "0002_two") {
		t.Fatalf("Migrate = %v, %v; want version 1 applied and an error naming 0002_two", applied, err)
	}
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('two') IS NOT NULL").Scan(&exists); err != nil || exists {
		t.Fatalf("table two exists=%v (%v) after its migration failed", exists, err)
	}
	fixed := []postgres.Migration{broken[0], {Version: 2, Name: "two", SQL: "CREATE TABLE two (id int)"}}
	applied, err = postgres.Migrate(ctx, pool, "svc", fixed)
	if err != nil || len(applied) != 1 || applied[0] != 2 {
		t.Fatalf("second Migrate = %v, %v; want version 2 only", applied, err)
	}
	// Another service's migrations are its own, even in the same database.
	applied, err = postgres.Migrate(ctx, pool, "other", []postgres.Migration{{Version: 1, Name: "x", SQL: "CREATE TABLE x (id int)"}})
	if err != nil || len(applied) != 1 {
		t.Fatalf("other service's Migrate = %v, %v", applied, err)
	}
	// The advisory lock is released: a session lock left on a pooled
	// connection would block the next Migrate for ever.
	done := make(chan error, 1)
	go func() { _, err := postgres.Migrate(ctx, pool, "svc", fixed); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Migrate blocked: the migration lock was not released")
	}
}
