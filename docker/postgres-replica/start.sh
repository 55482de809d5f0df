#!/bin/sh
# The streaming replica (decision 0057): on first start, a base backup of the primary with -R (standby.signal and
# primary_conninfo written for us); afterwards PostgreSQL follows the primary by itself.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h db -U postgres >/dev/null 2>&1; do sleep 1; done
  PGPASSWORD="$SPARK_REPLICATION_PASSWORD" pg_basebackup -h db -U spark_replicator -D "$PGDATA" -R -X stream -c fast
  chmod 0700 "$PGDATA"
fi
exec postgres
