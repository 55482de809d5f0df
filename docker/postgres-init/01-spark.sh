#!/bin/sh
# Runs once, when the PostgreSQL container initialises an empty data directory: the same roles and
# extensions script/server creates (owner for migrations, application role subject to row-level security).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$SPARK_OWNER_PASSWORD" -v app_password="$SPARK_APP_PASSWORD" <<'SQL'
CREATE ROLE spark_owner LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE spark_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD :'app_password';
CREATE DATABASE spark OWNER spark_owner ENCODING 'UTF8';
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname spark <<'SQL'
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
REVOKE ALL ON DATABASE spark FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE spark TO spark_app;
SQL
# The streaming replica (db-replica, decision 0057) connects as this role; only it may use the replication protocol.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v replication_password="$SPARK_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE spark_replicator LOGIN REPLICATION PASSWORD :'replication_password';
SQL
echo "host replication spark_replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
