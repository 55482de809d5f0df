# Shared set-up for script/server and script/test. Sourced, never run on its own.
# Everything here is idempotent: a second run reuses what the first one made.

SPARK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# SPARK_STATE moves the clusters, secrets, backups and WAL archive elsewhere: a test that runs the scripts against a
# cluster of its own points them at its own directory, leaving the checkout's .spark/ alone.
SPARK_STATE="${SPARK_STATE:-$SPARK_ROOT/.spark}"
SPARK_OWNER_ROLE=spark_owner
SPARK_APP_ROLE=spark_app

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

apt_updated=0
ensure_apt() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (apt)"
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  echo "$bin"
}

# Installs what the app, its build and its tests need. $1 = "server" or "test".
ensure_prerequisites() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
  # redis-server: the tests' private Redis (two instances, decision 0057) and script/server --instances N.
  # chromium-headless-shell: the browser tests' Chromium (a third less CPU than the full browser, decision 0071).
  ensure_apt postgresql postgresql-contrib chromium chromium-headless-shell fonts-noto-core ca-certificates redis-server
  command -v npm >/dev/null || ensure_apt npm
  (cd "$SPARK_ROOT" && dotnet tool restore >/dev/null) || die "dotnet tool restore failed"
  ensure_front_end
}

# ApexCharts comes from npm at set-up time; only its built file is served, from a gitignored folder.
ensure_front_end() {
  local web="$SPARK_ROOT/Spark.Web" lib="$SPARK_ROOT/Spark.Web/wwwroot/lib/apexcharts"
  if [ ! -f "$web/node_modules/apexcharts/dist/apexcharts.min.js" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
    log "installing front-end packages (npm ci)"
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed"
  fi
  mkdir -p "$lib"
  cp -u "$web/node_modules/apexcharts/dist/apexcharts.min.js" "$lib/"
}

random_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# scratch_root — a directory on tmpfs (/dev/shm) for the test run's throwaway files, printed when /dev/shm is a writable
# tmpfs with 4 GB free; nothing (and status 1) otherwise. On this kind of machine a file created on the disk costs about
# 0.4 ms of kernel time, on tmpfs 0.02 ms: cloning the test template (1,640 relations) took 2 s of CPU on disk
# (decision 0071). Gone at reboot, which throwaway test data may be.
scratch_root() {
  [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ] || return 1
  [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -ge 4194304 ] || return 1
  printf '/dev/shm/spark-%s\n' "$(printf '%s' "$SPARK_ROOT" | md5sum | cut -c1-8)"
}

# ensure_cluster NAME PORT [test] — a private cluster under .spark/NAME, owned by the postgres OS user,
# listening on 127.0.0.1:PORT with its socket inside its own directory. Sets CLUSTER_DIR. A test cluster's
# .spark/NAME is a link to a directory on tmpfs when scratch_root finds one.
ensure_cluster() {
  local name=$1 port=$2 kind=${3:-dev} bin root
  bin=$(pg_bin)
  mkdir -p "$SPARK_STATE"
  CLUSTER_DIR="$SPARK_STATE/$name"
  if [ "$kind" = test ] && root=$(scratch_root); then
    if [ -d "$CLUSTER_DIR" ] && [ ! -L "$CLUSTER_DIR" ]; then
      # A test cluster an earlier checkout kept on disk: its data is throwaway.
      stop_cluster "$name"
      as_root rm -rf "$CLUSTER_DIR"
    fi
    as_root install -d -m 0755 "$root"
    as_root install -d -o postgres -g postgres -m 0700 "$root/$name"
    [ "$(readlink "$CLUSTER_DIR" 2>/dev/null)" = "$root/$name" ] || { rm -f "$CLUSTER_DIR"; ln -s "$root/$name" "$CLUSTER_DIR"; }
  fi
  if [ ! -e "$CLUSTER_DIR" ]; then
    as_root install -d -o postgres -g postgres -m 0700 "$CLUSTER_DIR"
    if ! as_postgres test -w "$CLUSTER_DIR"; then
      # The checkout is somewhere the postgres user cannot reach (e.g. under /root): keep the data elsewhere.
      as_root rm -rf "$CLUSTER_DIR"
      local alt="/var/tmp/spark-$(printf '%s' "$SPARK_ROOT" | md5sum | cut -c1-8)/$name"
      as_root install -d -o postgres -g postgres -m 0700 "$alt"
      ln -s "$alt" "$CLUSTER_DIR"
    fi
  fi
  CLUSTER_DIR=$(readlink -f "$CLUSTER_DIR")
  if [ ! -f "$CLUSTER_DIR/data/PG_VERSION" ]; then
    log "creating PostgreSQL cluster $name"
    as_postgres "$bin/initdb" -D "$CLUSTER_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$CLUSTER_DIR'"
      echo "shared_preload_libraries = 'pg_stat_statements'"
      echo "timezone = 'UTC'"
      echo "log_timezone = 'UTC'"
      echo "max_connections = 300"
      if [ "$kind" = test ]; then
        # Throwaway test data: durability buys nothing here.
        echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
      fi
    } | as_postgres tee -a "$CLUSTER_DIR/data/postgresql.conf" >/dev/null
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$CLUSTER_DIR/data" status >/dev/null 2>&1; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "port $port is already taken (another checkout's cluster?): choose another with SPARK_PG_PORT / SPARK_TEST_PG_PORT"
    fi
    log "starting PostgreSQL $name on 127.0.0.1:$port"
    as_postgres "$bin/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/postgresql.log" -w -t 60 \
      -o "-p $port" start >/dev/null || { tail -n 20 "$CLUSTER_DIR/postgresql.log" >&2; die "PostgreSQL did not start"; }
  fi
  CLUSTER_PORT=$(as_postgres head -n 4 "$CLUSTER_DIR/data/postmaster.pid" | sed -n 4p)
  [ "$CLUSTER_PORT" = "$port" ] || log "cluster $name already runs on port $CLUSTER_PORT (not $port); using it"
}

stop_cluster() {
  local dir="$SPARK_STATE/$1"
  [ -f "$dir/data/PG_VERSION" ] || return 0
  as_postgres "$(pg_bin)/pg_ctl" -D "$(readlink -f "$dir")/data" -m fast -w stop >/dev/null 2>&1 && log "stopped PostgreSQL $1" || true
}

# Superuser SQL through the cluster's private socket (peer authentication as the postgres OS user).
psql_super() {
  local db=$1; shift
  as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$CLUSTER_DIR" -p "$CLUSTER_PORT" -d "$db" "$@"
}

# ensure_roles SECRETS_FILE — the owner (migrations, CREATEDB for test clones) and the application role
# (neither owner nor superuser, so row-level security applies). Passwords are random per checkout.
ensure_roles() {
  local secrets=$1
  if [ ! -f "$secrets" ]; then
    umask 077
    printf 'SPARK_OWNER_PASSWORD=%s\nSPARK_APP_PASSWORD=%s\n' "$(random_secret)" "$(random_secret)" > "$secrets"
  fi
  # shellcheck disable=SC1090
  . "$secrets"
  psql_super postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$SPARK_OWNER_ROLE') THEN CREATE ROLE $SPARK_OWNER_ROLE; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$SPARK_APP_ROLE') THEN CREATE ROLE $SPARK_APP_ROLE; END IF;
END
\$\$;
ALTER ROLE $SPARK_OWNER_ROLE LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS NOCREATEROLE PASSWORD '$SPARK_OWNER_PASSWORD';
ALTER ROLE $SPARK_APP_ROLE LOGIN NOCREATEDB NOSUPERUSER NOBYPASSRLS NOCREATEROLE PASSWORD '$SPARK_APP_PASSWORD';
SQL
}

# ensure_database NAME — owned by the owner role, with the extensions only a superuser may create.
ensure_database() {
  local db=$1
  if [ -z "$(psql_super postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql_super postgres -c "CREATE DATABASE $db OWNER $SPARK_OWNER_ROLE ENCODING 'UTF8'"
  fi
  psql_super "$db" <<SQL
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
REVOKE ALL ON DATABASE $db FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE $db TO $SPARK_APP_ROLE;
SQL
}

connection_string() { # ROLE PASSWORD DB
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Password=%s' "$CLUSTER_PORT" "$3" "$1" "$2"
}

build_solution() {
  log "building Spark"
  (cd "$SPARK_ROOT" && dotnet build Spark.sln -nologo -v q -clp:ErrorsOnly) || die "build failed"
}

spark_cli() { # runs the built app (its web server, or `db migrate`) with Spark.Web as content root
  dotnet "$SPARK_ROOT/Spark.Web/bin/Debug/net10.0/Spark.Web.dll" "$@" --contentRoot "$SPARK_ROOT/Spark.Web"
}

# ensure_replica NAME PORT — a streaming replica of the cluster in CLUSTER_DIR/CLUSTER_PORT (ensure_cluster first):
# pg_basebackup -R over the primary's private socket (peer authentication as the postgres OS user, which initdb's
# pg_hba.conf allows for replication), into its own data directory beside the primary's, on its own port.
# Sets REPLICA_DIR and REPLICA_PORT.
ensure_replica() {
  local name=$1 port=$2 bin
  bin=$(pg_bin)
  REPLICA_DIR="$(dirname "$CLUSTER_DIR")/$name"
  REPLICA_PORT=$port
  if [ ! -e "$REPLICA_DIR" ]; then as_root install -d -o postgres -g postgres -m 0700 "$REPLICA_DIR"; fi
  [ -e "$SPARK_STATE/$name" ] || ln -s "$REPLICA_DIR" "$SPARK_STATE/$name"
  if [ ! -f "$REPLICA_DIR/data/PG_VERSION" ]; then
    log "creating streaming replica $name (pg_basebackup -R)"
    as_postgres "$bin/pg_basebackup" -h "$CLUSTER_DIR" -p "$CLUSTER_PORT" -U postgres -D "$REPLICA_DIR/data" -R -X stream -c fast \
      || die "pg_basebackup failed"
    echo "unix_socket_directories = '$REPLICA_DIR'" | as_postgres tee -a "$REPLICA_DIR/data/postgresql.conf" >/dev/null
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$REPLICA_DIR/data" status >/dev/null 2>&1; then
    log "starting replica $name on 127.0.0.1:$port"
    as_postgres "$bin/pg_ctl" -D "$REPLICA_DIR/data" -l "$REPLICA_DIR/postgresql.log" -w -t 60 -o "-p $port" start >/dev/null \
      || { tail -n 20 "$REPLICA_DIR/postgresql.log" >&2; die "the replica did not start"; }
  fi
  [ "$(as_postgres psql -X -tAc 'SELECT pg_is_in_recovery()' -h "$REPLICA_DIR" -p "$port" postgres)" = t ] \
    || die "$name on port $port is not a standby"
}

# ensure_redis PORT — Debian's redis-server on 127.0.0.1:PORT under .spark/redis, no persistence (pub/sub only).
ensure_redis() {
  local port=$1 dir="$SPARK_STATE/redis"
  mkdir -p "$dir"
  if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then return 0; fi
  log "starting redis-server on 127.0.0.1:$port"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --dir "$dir" --save "" --appendonly no >/dev/null || die "redis-server did not start"
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done
  die "redis-server did not answer on port $port (see $dir/redis.log)"
}

stop_redis() {
  local pidfile="$SPARK_STATE/redis/redis.pid"
  [ -f "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null && log "stopped redis-server" || true
  rm -f "$pidfile"
}

# owner_session NAME PORT — for script/backup and script/restore: an existing cluster under .spark/NAME (started if it is
# stopped, never created) and its owner role's password (SPARK_OWNER_PASSWORD) from .spark/NAME.secrets.
owner_session() {
  local name=$1 port=$2 secrets="$SPARK_STATE/$1.secrets"
  [ -e "$SPARK_STATE/$name" ] && as_postgres test -f "$(readlink -f "$SPARK_STATE/$name")/data/PG_VERSION" \
    || die "no cluster $name under $SPARK_STATE (script/server makes pg-dev, script/test pg-test)"
  [ -f "$secrets" ] || die "$secrets is missing: run script/server (or script/test) once"
  ensure_cluster "$name" "$port"
  # shellcheck disable=SC1090
  . "$secrets"
}

# enable_wal_archiving NAME — point-in-time recovery (decision 0058): every completed WAL segment of the cluster in
# CLUSTER_DIR is copied to .spark/wal/NAME/, never over an existing file (PostgreSQL's documented archive_command pattern).
# Together with a base backup (script/backup --base) this allows recovery to any instant after it (script/restore --pitr).
# archive_mode needs a restart, which this does; script/server's multi-instance set-up calls it for its primary, and
# script/backup --enable-archiving for any cluster. Idempotent.
enable_wal_archiving() {
  local name=$1 wal
  wal="$SPARK_STATE/wal/$name"
  as_root install -d -o postgres -g postgres -m 0700 "$wal"
  wal=$(readlink -f "$wal")
  if [ "$(psql_super postgres -tAc "SHOW archive_mode")" = on ] \
     && [ "$(psql_super postgres -tAc "SHOW archive_command")" = "test ! -f $wal/%f && cp %p $wal/%f" ]; then
    return 0
  fi
  log "enabling WAL archiving of $name into $wal"
  psql_super postgres -c "ALTER SYSTEM SET wal_level = 'replica'" \
    -c "ALTER SYSTEM SET archive_mode = 'on'" \
    -c "ALTER SYSTEM SET archive_command = 'test ! -f $wal/%f && cp %p $wal/%f'" \
    -c "ALTER SYSTEM SET archive_timeout = '300s'" >/dev/null
  as_postgres "$(pg_bin)/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/postgresql.log" -w -t 60 restart >/dev/null \
    || die "PostgreSQL did not restart with WAL archiving"
}

# print_integrity_report REPORT — script/sql/verify-integrity.sql's rows ("check | value | ok") as script/restore prints
# them: failed checks on stderr, then every check, then the number of tables and rows. Returns 1 if a check failed.
print_integrity_report() {
  local report=$1 status=0
  if grep -q ' | f$' <<<"$report"; then
    printf '%s\n' "$report" | grep ' | f$' >&2
    status=1
  fi
  printf '%s\n' "$report" | grep -v '^rows ' || true
  printf '%s tables, %s rows\n' "$(grep -c '^rows ' <<<"$report" || true)" \
    "$(grep '^rows ' <<<"$report" | awk -F' [|] ' '{s += $2} END {print s + 0}')"
  return $status
}
