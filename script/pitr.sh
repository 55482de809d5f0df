# shellcheck shell=bash
# script/restore --pitr (decision 0058). Sourced by script/restore after lib.sh and its argument parsing (base, target_kind,
# target, port, dir, wal, force); never run on its own.
#
# PostgreSQL 15 documentation followed here: section 26.3.4 "Recovering Using a Continuous Archive Backup" (the steps),
# 20.5.5 "Archive Recovery" (restore_command, recovery.signal), 20.5.6 "Recovery Target" (the targets and
# recovery_target_action) and 26.3.5 "Timelines".

# shellcheck disable=SC2154 # base, target_kind, target, port, dir, wal, force: script/restore's arguments
pitr_restore() {
  local bin archive source_secrets secrets_copy started deadline state cluster_dir data log_file stop db report
  bin=$(pg_bin)
  if [ ! -f "$base/backup_manifest" ] || [ ! -f "$base/PG_VERSION" ]; then
    die "$base is not a base backup (no backup_manifest): make one with script/backup --base"
  fi
  [ -f "$base/spark-base.env" ] || die "$base/spark-base.env is missing: was this base backup made by script/backup --base?"
  [ -n "$target_kind" ] || die "say where recovery stops: --until 'YYYY-MM-DD HH:MM:SS+00', --restore-point NAME or --latest"
  [[ "$port" =~ ^[0-9]{2,5}$ ]] || die "--port P is required: the new cluster's port"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is already taken: choose a free one for the restored cluster"; fi
  local SPARK_BASE_CLUSTER="" SPARK_BASE_DATABASE="" SPARK_BASE_ARCHIVE="" SPARK_BASE_ENDED_BY=""
  # shellcheck disable=SC1091
  . "$base/spark-base.env"
  case "$target_kind" in
    time)
      # A numeric offset, as section 20.5.6 prefers; a time without one would be read in the restored server's zone.
      [[ "$target" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}[\ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}(:?[0-9]{2})?$ ]] \
        || die "--until takes 'YYYY-MM-DD HH:MM:SS[.ffffff]+00' (with its UTC offset), not '$target'"
      # PostgreSQL does not refuse a time before the backup's end: it stops at the first commit after the backup is
      # consistent and reports success, which would hand over a later state than asked for. The stop point must be after
      # the backup's end (section 26.3.4, the note), so refuse it here; SPARK_BASE_ENDED_BY is a little after the real
      # end, which refuses at most the few seconds in between.
      if [ -n "$SPARK_BASE_ENDED_BY" ] && awk -v t="$(date -u -d "$target" +%s.%N)" -v e="$(date -u -d "$SPARK_BASE_ENDED_BY" +%s.%N)" \
          'BEGIN { exit !(t < e) }'; then
        die "--until $target is before this base backup ended ($SPARK_BASE_ENDED_BY): recover from an older base backup"
      fi ;;
    name) if [ -z "$target" ] || [ ${#target} -ge 64 ]; then die "--restore-point takes a name of 1 to 63 characters"; fi ;;
  esac

  archive=$(readlink -f "${wal:-$SPARK_BASE_ARCHIVE}" 2>/dev/null || true)
  if [ -z "$archive" ] || [ ! -d "$archive" ]; then die "no WAL archive at '${wal:-$SPARK_BASE_ARCHIVE}': give it with --wal DIR"; fi
  [[ "$archive" != *"'"* && "$archive" != *'"'* ]] || die "the archive's path may not contain quotes: $archive"

  # The new cluster's directory, laid out as ensure_cluster lays out .spark/NAME (data/, postgresql.log, the socket), so
  # script/backup and script/restore can address it as SPARK_CLUSTER=pitr-P when it sits in .spark.
  dir=${dir:-$SPARK_STATE/pitr-$port}
  [[ "$dir" != *"'"* ]] || die "the directory's path may not contain quotes: $dir"
  if [ -e "$dir" ]; then
    cluster_dir=$(readlink -f "$dir")
    [ "$cluster_dir" != "$(readlink -f "$SPARK_STATE/$SPARK_BASE_CLUSTER" 2>/dev/null)" ] \
      || die "$dir is the backed-up cluster itself: point-in-time recovery goes into a new directory"
    if [ -f "$cluster_dir/data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$cluster_dir/data" status >/dev/null 2>&1; then
      die "a cluster is running in $dir: stop it first ($(stop_command "$cluster_dir/data")), never restore over a running one"
    fi
    if [ -n "$(ls -A "$cluster_dir")" ]; then
      [ "$force" -eq 1 ] || die "$dir is not empty: choose another --dir, or add --force to replace the stopped cluster in it"
      # --force replaces only what this script makes: a directory holding a cluster (or nothing else we would lose).
      local entry
      for entry in "$cluster_dir"/* "$cluster_dir"/.[!.]*; do
        [ -e "$entry" ] || continue
        case "${entry##*/}" in data|postgresql.log|.s.PGSQL.*) ;; *) die "$dir holds something other than a cluster (${entry##*/}): refusing to delete it even with --force" ;; esac
      done
      log "replacing the stopped cluster in $dir (--force)"
      as_root rm -rf "${cluster_dir:?}/data" "$cluster_dir/postgresql.log"
    fi
  fi
  as_root install -d -o postgres -g postgres -m 0700 "$dir"
  cluster_dir=$(readlink -f "$dir")
  as_postgres test -w "$cluster_dir" || die "the postgres OS user cannot write $dir: choose a --dir it can reach"
  data="$cluster_dir/data"
  log_file="$cluster_dir/postgresql.log"

  log "verifying $base against its manifest"
  "$bin/pg_verifybackup" --quiet --ignore=spark-base.env "$base" || die "$base does not match its backup_manifest: it is damaged"

  # Section 26.3.4, steps 3–4: the backup's files, owned by the database's OS user with its permissions. pg_wal/ is kept,
  # unlike step 5 says for a copy of a crashed server's directory: here it holds exactly the WAL pg_basebackup streamed
  # while it ran, which the archive may not have yet; segments the archive has are read from it first anyway.
  log "laying the base backup out in $data"
  as_root cp -a "$base" "$data"
  as_root rm -f "$data/spark-base.env" "$data/backup_manifest" "$data/standby.signal"
  as_root chown -R postgres:postgres "$data"
  as_root chmod 0700 "$data"

  # Section 26.3.4, step 7, and 20.5.5/20.5.6: where the archived WAL is, where to stop, and to promote there. Appended
  # to postgresql.auto.conf, which the server reads last, so these win over the copied postgresql.conf. Archiving is off
  # in the copy: after promotion it starts a new timeline (section 26.3.5), and its segments must not land in the
  # source's archive, where a later recovery of the source (recovery_target_timeline 'latest') would follow them.
  {
    echo "# script/restore --pitr $(date -u +%Y-%m-%dT%H:%M:%SZ): recovery of $SPARK_BASE_CLUSTER from $base"
    echo "restore_command = 'cp \"$archive/%f\" \"%p\"'"
    case "$target_kind" in
      time) echo "recovery_target_time = '$target'" ;;
      name) echo "recovery_target_name = '${target//\'/\'\'}'" ;;
    esac
    echo "recovery_target_action = 'promote'"
    echo "archive_mode = 'off'"
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '$cluster_dir'"
  } | as_postgres tee -a "$data/postgresql.auto.conf" >/dev/null
  as_postgres touch "$data/recovery.signal"

  # Section 26.3.4, step 8. pg_ctl -w returns once the server accepts (read-only) connections, which hot standby allows
  # as soon as the backup's end is replayed; replay to the target may still be going on then.
  log "starting the restored cluster on 127.0.0.1:$port (recovery: ${target_kind}${target:+ $target})"
  started=$SECONDS
  local timeout=${SPARK_RESTORE_TIMEOUT:-600}
  if ! as_postgres "$bin/pg_ctl" -D "$data" -l "$log_file" -w -t "$timeout" start >/dev/null; then
    recovery_failed "$log_file"
  fi
  # Recovery has finished when the server has promoted: pg_is_in_recovery() turns false. If the target is never reached
  # (a time after the archive's end, an unknown restore point) the server stops with a FATAL error (section 20.5.6).
  deadline=$((SECONDS + timeout))
  while true; do
    state=$(as_postgres psql -X -q -tA -h "$cluster_dir" -p "$port" -d postgres -c "SELECT pg_is_in_recovery()" 2>/dev/null || true)
    [ "$state" = f ] && break
    as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 || recovery_failed "$log_file"
    [ $SECONDS -lt $deadline ] || die "the restored cluster is still recovering after ${timeout}s; it keeps running (see $log_file; stop it with: $(stop_command "$data"))"
    sleep 0.2
  done
  log "recovery finished in $((SECONDS - started)) s"
  grep -E 'recovery stopping|last completed transaction|archive recovery complete|selected new timeline' "$log_file" \
    | sed -E 's/^.*(LOG|DETAIL): +//' || true

  # The roles and their passwords are the source's (the copy is physical): the owner role runs the checks, as after a
  # dump restore. Without the source's secrets file, the superuser (which row-level security does not bind either) does.
  db=${SPARK_DB:-${SPARK_BASE_DATABASE:-spark}}
  source_secrets="$SPARK_STATE/$SPARK_BASE_CLUSTER.secrets"
  log "checking integrity of $db"
  if [ -f "$source_secrets" ]; then
    # shellcheck disable=SC1090
    . "$source_secrets"
    report=$(PGPASSWORD=$SPARK_OWNER_PASSWORD psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$SPARK_OWNER_ROLE" -d "$db" \
      -A -F ' | ' -t -f "$SPARK_ROOT/script/sql/verify-integrity.sql") || unchecked "$data"
    # The restored cluster becomes addressable like any other in .spark (SPARK_CLUSTER=pitr-P script/backup).
    if [ "$(dirname "$cluster_dir")" = "$(readlink -f "$SPARK_STATE")" ]; then
      secrets_copy="$SPARK_STATE/$(basename "$cluster_dir").secrets"
      (umask 077; cp "$source_secrets" "$secrets_copy")
    fi
  else
    report=$(as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$cluster_dir" -p "$port" -d "$db" \
      -A -F ' | ' -t -f "$SPARK_ROOT/script/sql/verify-integrity.sql") || unchecked "$data"
  fi
  stop=$(stop_command "$data")
  print_integrity_report "$report" || die "recovered into $dir (port $port), but the integrity checks failed; stop it with: $stop"
  log "recovered into $dir, running on 127.0.0.1:$port, every check holds"
  printf 'restored cluster: %s (127.0.0.1:%s, database %s)\n' "$dir" "$port" "$db"
  printf 'stop it with: %s\n' "$stop"
}

# The checks themselves could not run (psql said why above): the recovered cluster is left running for a look.
unchecked() { die "recovered, but the integrity checks could not run; the cluster keeps running: stop it with: $(stop_command "$1")"; }

stop_command() { printf 'runuser -u postgres -- %s/pg_ctl -D %s -m fast stop' "$(pg_bin)" "$1"; }

# The server stopped (or never accepted connections): show why from its log and give up.
recovery_failed() {
  local log_file=$1
  grep -E 'FATAL|PANIC|ERROR' "$log_file" | tail -n 5 >&2 || tail -n 20 "$log_file" >&2
  [ -z "${SPARK_BASE_ENDED_BY:-}" ] || log "this base backup recovers to instants from $SPARK_BASE_ENDED_BY on"
  die "recovery did not finish (log: $log_file)"
}
