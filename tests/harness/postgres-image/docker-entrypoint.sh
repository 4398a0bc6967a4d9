#!/bin/sh
# The harness image's entrypoint: the official Postgres image's interface
# as the deploy stage uses it, and no more.
#   - an empty PGDATA is initialised with the superuser POSTGRES_USER
#     (default postgres) and password POSTGRES_PASSWORD; password
#     (scram-sha-256) connections over TCP from any address;
#   - then, once, each /docker-entrypoint-initdb.d/*.sh is run (executable)
#     or sourced, and each *.sql given to psql, against a server that
#     listens on its socket only;
#   - then the server runs in the foreground, listening on every address.
set -eu

if [ "${1:-postgres}" != postgres ]; then
	exec "$@"
fi
[ "$#" -gt 0 ] && shift

: "${PGDATA:?PGDATA is not set}"
POSTGRES_USER=${POSTGRES_USER:-postgres}
export POSTGRES_USER
socket_dir=/var/run/postgresql

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -z "${POSTGRES_PASSWORD:-}" ]; then
		echo "docker-entrypoint: PGDATA is empty and POSTGRES_PASSWORD is not set: cannot initialise" >&2
		exit 1
	fi
	mkdir -p "$PGDATA"
	chmod 700 "$PGDATA"
	pwfile=$(mktemp)
	printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
	initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
		--auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8
	rm -f "$pwfile"
	printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"

	pg_ctl --pgdata="$PGDATA" --wait --silent \
		--options="-c listen_addresses='' -c unix_socket_directories=$socket_dir" start
	PGHOST=$socket_dir PGPASSWORD=$POSTGRES_PASSWORD
	export PGHOST PGPASSWORD
	for script in /docker-entrypoint-initdb.d/*; do
		case $script in
		*.sh)
			echo "docker-entrypoint: running $script"
			if [ -x "$script" ]; then
				"$script"
			else
				# shellcheck disable=SC1090 # the user's script
				. "$script"
			fi
			;;
		*.sql)
			echo "docker-entrypoint: running $script"
			psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres --file "$script"
			;;
		*) ;;
		esac
	done
	unset PGHOST PGPASSWORD
	pg_ctl --pgdata="$PGDATA" --wait --silent --mode=fast stop
	echo "docker-entrypoint: initialised $PGDATA"
fi

exec postgres -c listen_addresses='*' -c unix_socket_directories="$socket_dir" "$@"
