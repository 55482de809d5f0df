-- PostgreSQL requires the partition key in every unique constraint of a partitioned table, so the
-- primary keys are (id, transaction_date) and (id, created_at); ids stay globally unique UUIDs.

CREATE TABLE transactions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  investment_id uuid REFERENCES investments(id) ON DELETE SET NULL,
  security_id uuid REFERENCES securities(id) ON DELETE SET NULL,
  type varchar(20) NOT NULL,
  asset_name varchar(255) NOT NULL,
  symbol varchar(50),
  platform varchar(50) NOT NULL,
  quantity numeric(15, 6),
  price numeric(15, 4),
  amount numeric(15, 2) NOT NULL,
  fees numeric(10, 2) NOT NULL DEFAULT 0,
  tax numeric(10, 2) NOT NULL DEFAULT 0,
  gst numeric(10, 2) NOT NULL DEFAULT 0,
  net_amount numeric(15, 2) NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'completed',
  transaction_id varchar(255),
  payment_method varchar(50),
  payment_reference varchar(255),
  description text,
  metadata jsonb,
  transaction_date date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT pk_transactions PRIMARY KEY (id, transaction_date),
  CONSTRAINT check_transactions_amount_positive CHECK (amount >= 0),
  CONSTRAINT ck_transactions_type CHECK (type IN ('buy', 'sell', 'sip', 'dividend', 'bonus', 'split', 'interest')),
  CONSTRAINT ck_transactions_status CHECK (status IN ('completed', 'pending', 'failed', 'cancelled'))
) PARTITION BY RANGE (transaction_date);

CREATE TABLE transactions_default PARTITION OF transactions DEFAULT;

CREATE INDEX idx_transactions_user_id ON transactions(user_id);
CREATE INDEX idx_transactions_type ON transactions(type);
CREATE INDEX idx_transactions_status ON transactions(status);
CREATE INDEX idx_transactions_date ON transactions(transaction_date DESC);
CREATE INDEX idx_transactions_platform ON transactions(platform);
CREATE INDEX idx_transactions_user_date_type ON transactions(user_id, transaction_date DESC, type);
CREATE INDEX idx_transactions_investment_id ON transactions(investment_id);
-- Imports are idempotent by the platform's own trade id (the partition key must be part of the key).
CREATE UNIQUE INDEX ux_transactions_external_id
  ON transactions(user_id, platform, transaction_id, transaction_date) WHERE transaction_id IS NOT NULL;

-- The archive target of the retention job: same shape, not partitioned.
CREATE TABLE transactions_archive (LIKE transactions INCLUDING ALL);

CREATE TABLE market_data (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  security_id uuid NOT NULL REFERENCES securities(id) ON DELETE CASCADE,
  timestamp timestamptz NOT NULL,
  open numeric(15, 4),
  high numeric(15, 4),
  low numeric(15, 4),
  close numeric(15, 4),
  volume bigint,
  bid numeric(15, 4),
  ask numeric(15, 4),
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT pk_market_data PRIMARY KEY (security_id, timestamp)
) PARTITION BY RANGE (timestamp);

CREATE TABLE market_data_default PARTITION OF market_data DEFAULT;

CREATE INDEX idx_market_data_security_timestamp ON market_data(security_id, timestamp DESC);
CREATE INDEX idx_market_data_timestamp ON market_data(timestamp DESC);
CREATE INDEX idx_market_data_security_timestamp_desc ON market_data(security_id, timestamp DESC);

CREATE TABLE audit_logs (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  action varchar(100) NOT NULL,
  entity_type varchar(50),
  entity_id uuid,
  changes jsonb,
  ip_address inet,
  user_agent text,
  device_type varchar(20),
  location varchar(255),
  status varchar(20) NOT NULL DEFAULT 'success',
  error_message text,
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT pk_audit_logs PRIMARY KEY (id, created_at),
  CONSTRAINT ck_audit_logs_status CHECK (status IN ('success', 'failed'))
) PARTITION BY RANGE (created_at);

CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT;

CREATE INDEX idx_audit_logs_user_id ON audit_logs(user_id);
CREATE INDEX idx_audit_logs_action ON audit_logs(action);
CREATE INDEX idx_audit_logs_created_at ON audit_logs(created_at DESC);
CREATE INDEX idx_audit_logs_user_action_date ON audit_logs(user_id, action, created_at DESC);

-- Partition naming and bounds: transactions by calendar year, market_data and audit_logs by UTC month.
CREATE OR REPLACE FUNCTION spark_partition_for(parent text, d date,
  OUT part_name text, OUT range_from date, OUT range_to date)
LANGUAGE sql IMMUTABLE AS $$
  SELECT
    CASE WHEN parent = 'transactions' THEN parent || '_' || to_char(d, 'YYYY') ELSE parent || '_' || to_char(d, 'YYYY_MM') END,
    CASE WHEN parent = 'transactions' THEN date_trunc('year', d)::date ELSE date_trunc('month', d)::date END,
    CASE WHEN parent = 'transactions' THEN (date_trunc('year', d) + interval '1 year')::date
         ELSE (date_trunc('month', d) + interval '1 month')::date END
$$;

-- Creates the partition holding date d, moving any of its rows out of the DEFAULT partition first
-- (ATTACH refuses while the default holds rows of the new range). Runs as the owner: the application
-- role cannot create tables, and calls it only through maintain_partitions().
CREATE OR REPLACE FUNCTION spark_ensure_partition(parent text, d date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  p record;
  key_col text;
  lo text;
  hi text;
BEGIN
  key_col := CASE parent WHEN 'transactions' THEN 'transaction_date' WHEN 'market_data' THEN 'timestamp'
                         WHEN 'audit_logs' THEN 'created_at' END;
  IF key_col IS NULL THEN
    RAISE EXCEPTION 'spark_ensure_partition: % is not a partitioned table of Spark', parent;
  END IF;
  SELECT * INTO p FROM spark_partition_for(parent, d);
  IF to_regclass(p.part_name) IS NOT NULL THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('spark_partitions:' || parent));
  IF to_regclass(p.part_name) IS NOT NULL THEN
    RETURN false;
  END IF;
  IF parent = 'transactions' THEN
    lo := p.range_from::text;
    hi := p.range_to::text;
  ELSE
    lo := p.range_from::text || ' 00:00:00+00';
    hi := p.range_to::text || ' 00:00:00+00';
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', p.part_name, parent);
  EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                 parent || '_default', key_col, lo, key_col, hi, p.part_name);
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, p.part_name, lo, hi);
  RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION spark_ensure_partitions(parent text, from_date date, to_date date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  d date := from_date;
  step interval := CASE WHEN parent = 'transactions' THEN interval '1 year' ELSE interval '1 month' END;
  created integer := 0;
BEGIN
  WHILE d <= to_date LOOP
    IF spark_ensure_partition(parent, d) THEN
      created := created + 1;
    END IF;
    d := (d + step)::date;
  END LOOP;
  RETURN created;
END
$$;

-- The partition maintenance job: rows that fell into a DEFAULT partition get their own partition, and
-- the coming months (and next year's transactions) are ready before anyone writes them.
CREATE OR REPLACE FUNCTION maintain_partitions(months_ahead integer DEFAULT 3) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  d date;
  created integer := 0;
BEGIN
  FOR d IN SELECT DISTINCT date_trunc('year', transaction_date)::date FROM transactions_default LOOP
    created := created + spark_ensure_partition('transactions', d)::integer;
  END LOOP;
  FOR d IN SELECT DISTINCT date_trunc('month', timestamp AT TIME ZONE 'UTC')::date FROM market_data_default LOOP
    created := created + spark_ensure_partition('market_data', d)::integer;
  END LOOP;
  FOR d IN SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM audit_logs_default LOOP
    created := created + spark_ensure_partition('audit_logs', d)::integer;
  END LOOP;
  created := created + spark_ensure_partitions('transactions', today, (today + interval '1 year')::date);
  created := created + spark_ensure_partitions('market_data', today, (today + make_interval(months => months_ahead))::date);
  created := created + spark_ensure_partitions('audit_logs', today, (today + make_interval(months => months_ahead))::date);
  RETURN created;
END
$$;

REVOKE ALL ON FUNCTION spark_ensure_partition(text, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION spark_ensure_partitions(text, date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION maintain_partitions(integer) FROM PUBLIC;

-- The history the demo and imports need, and the partitions the schema document names.
SELECT spark_ensure_partitions('transactions', '2000-01-01', (now() + interval '1 year')::date);
SELECT spark_ensure_partitions('market_data', '2024-11-01', (now() + interval '3 months')::date);
SELECT spark_ensure_partitions('audit_logs', '2024-11-01', (now() + interval '3 months')::date);
