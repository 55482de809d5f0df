-- Retention (decision 0058): what the retention jobs did, per rule and run, for the back office's status card; and the
-- two partition operations only the owner may do, behind SECURITY DEFINER functions the application role may call.

CREATE TABLE retention_runs (
  id bigserial PRIMARY KEY,
  rule varchar(40) NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  cutoff timestamptz NOT NULL,
  rows_affected bigint NOT NULL DEFAULT 0,
  detail text,
  outcome varchar(20) NOT NULL DEFAULT 'succeeded',
  CONSTRAINT ck_retention_runs_outcome CHECK (outcome IN ('succeeded', 'failed'))
);
CREATE INDEX idx_retention_runs_rule_finished ON retention_runs(rule, finished_at DESC);

-- Audit partitions detached from audit_logs are kept, read-only to staff through the owner, in this schema.
CREATE SCHEMA IF NOT EXISTS archive;

-- Detaches every monthly audit_logs partition that ends on or before cutoff and moves it to the archive schema. A partition
-- whose month ends after the cutoff is kept whole (a month is archived only once all of it is older than three years).
-- Idempotent: a second call finds nothing left to move.
CREATE OR REPLACE FUNCTION spark_archive_audit_partitions(cutoff date)
RETURNS TABLE (partition_name text, row_count bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  part record;
  ends date;
BEGIN
  IF cutoff > (now() AT TIME ZONE 'UTC')::date - interval '2 years' THEN
    RAISE EXCEPTION 'spark_archive_audit_partitions: cutoff % is too recent (audit rows are kept three years)', cutoff;
  END IF;
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_logs'::regclass AND c.relname ~ '^audit_logs_[0-9]{4}_[0-9]{2}$'
    ORDER BY c.relname
  LOOP
    ends := (to_date(substr(part.relname, 12), 'YYYY_MM') + interval '1 month')::date;
    CONTINUE WHEN ends > cutoff;
    PERFORM pg_advisory_xact_lock(hashtext('spark_partitions:audit_logs'));
    EXECUTE format('ALTER TABLE audit_logs DETACH PARTITION %I', part.relname);
    IF to_regclass('archive.' || part.relname) IS NOT NULL THEN
      EXECUTE format('INSERT INTO archive.%I SELECT * FROM public.%I', part.relname, part.relname);
      EXECUTE format('DROP TABLE public.%I', part.relname);
    ELSE
      EXECUTE format('ALTER TABLE %I SET SCHEMA archive', part.relname);
    END IF;
    partition_name := part.relname;
    EXECUTE format('SELECT count(*) FROM archive.%I', part.relname) INTO row_count;
    RETURN NEXT;
  END LOOP;
END
$$;

-- Drops one monthly market_data partition that ends on or before cutoff, after the job has archived its rows to a file.
-- Refuses any other table, and a month that is not wholly older than the cutoff.
CREATE OR REPLACE FUNCTION spark_drop_market_partition(part text, cutoff date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ends date;
  n bigint;
BEGIN
  IF part !~ '^market_data_[0-9]{4}_[0-9]{2}$' THEN
    RAISE EXCEPTION 'spark_drop_market_partition: % is not a monthly market_data partition', part;
  END IF;
  IF cutoff > (now() AT TIME ZONE 'UTC')::date - interval '4 years' THEN
    RAISE EXCEPTION 'spark_drop_market_partition: cutoff % is too recent (market data is kept five years)', cutoff;
  END IF;
  ends := (to_date(substr(part, 13), 'YYYY_MM') + interval '1 month')::date;
  IF ends > cutoff THEN
    RAISE EXCEPTION 'spark_drop_market_partition: % ends on %, after the cutoff %', part, ends, cutoff;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'market_data'::regclass AND c.relname = part) THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('spark_partitions:market_data'));
  EXECUTE format('SELECT count(*) FROM %I', part) INTO n;
  EXECUTE format('ALTER TABLE market_data DETACH PARTITION %I', part);
  EXECUTE format('DROP TABLE %I', part);
  RETURN n;
END
$$;

REVOKE ALL ON FUNCTION spark_archive_audit_partitions(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION spark_drop_market_partition(text, date) FROM PUBLIC;
