-- Spark's integrity checks after a restore (decision 0058), also run by script/bench's two-instance placement section
-- (decision 0056). Run as the owner role (not subject to row-level security):
--   psql -X -v ON_ERROR_STOP=1 -f script/sql/verify-integrity.sql            (script/restore runs it for you)
-- One row per check: "check", its "value" (failures, or rows for a table count) and "ok". Counts of every table are listed
-- so a restore can be compared with its source (script/backup writes the source's beside the dump).
WITH
cash AS (
  SELECT count(*) AS failures FROM cash_accounts a
  WHERE a.balance <> COALESCE((SELECT sum(l.amount) FROM cash_ledger l WHERE l.user_id = a.user_id), 0)
),
cash_blocks AS (
  SELECT count(*) AS failures FROM cash_accounts a WHERE a.blocked < 0 OR a.blocked > a.balance
),
holdings AS (
  SELECT count(*) AS failures FROM investments i
  WHERE i.quantity <> COALESCE((SELECT sum(h.remaining_quantity) FROM investment_holdings h WHERE h.investment_id = i.id), 0)
),
lots AS (
  SELECT count(*) AS failures FROM investment_holdings h WHERE h.remaining_quantity < 0 OR h.remaining_quantity > h.quantity
),
fills AS (
  SELECT count(*) AS failures FROM trading_orders o
  WHERE o.filled_quantity <> COALESCE((SELECT sum(e.quantity) FROM order_executions e WHERE e.order_id = o.id), 0)
),
overfilled AS (
  SELECT count(*) AS failures FROM trading_orders o WHERE o.filled_quantity > o.quantity
),
-- Read from the executions themselves, not the order's own counter: a fill written twice shows here even if
-- filled_quantity was not bumped twice.
executions_over AS (
  SELECT count(*) AS failures FROM trading_orders o
  WHERE (SELECT sum(e.quantity) FROM order_executions e WHERE e.order_id = o.id) > o.quantity
),
-- A fill's key (paper-{order}-{sequence}) names one fill of one order; ux_order_executions_platform_execution enforces
-- it, and this checks a copy whose index was lost or not yet built.
duplicate_fills AS (
  SELECT count(*) AS failures FROM (
    SELECT 1 FROM order_executions WHERE platform_execution_id IS NOT NULL
    GROUP BY order_id, platform_execution_id HAVING count(*) > 1
  ) d
),
tables AS (
  SELECT c.relname AS name,
         (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint AS n
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
)
SELECT 'cash equals cash ledger' AS "check", failures AS value, failures = 0 AS ok FROM cash
UNION ALL SELECT 'blocked cash within balance', failures, failures = 0 FROM cash_blocks
UNION ALL SELECT 'holdings equal open lots', failures, failures = 0 FROM holdings
UNION ALL SELECT 'lots remaining within bought', failures, failures = 0 FROM lots
UNION ALL SELECT 'order fills add up to filled quantity', failures, failures = 0 FROM fills
UNION ALL SELECT 'orders filled within quantity', failures, failures = 0 FROM overfilled
UNION ALL SELECT 'order executions within quantity', failures, failures = 0 FROM executions_over
UNION ALL SELECT 'one execution per order and fill key', failures, failures = 0 FROM duplicate_fills
UNION ALL SELECT * FROM (SELECT 'rows ' || name, n, true FROM tables ORDER BY name) t;
