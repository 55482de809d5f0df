-- The losses brought into a financial year from the eight before it (section 74, decisions 0064 and 0066), kept so that
-- the statement and the order ticket's estimate need not replay eight earlier years after every write. Like
-- tax_year_openings, a cache of the ledger and never a source of truth: a year's row depends only on the investor's
-- transactions dated before the year's start, on their holdings' platform and security, and on the tax reference data
-- (read under `reference_version`, served only while reference_versions.'tax' still has that value).
-- A change to a transaction dated before a year's start (insert, edit, delete, whichever code path) deletes the rows of
-- the later years in the same statement (the trigger below); a fill dated today leaves every earlier year's row alone.
CREATE TABLE IF NOT EXISTS tax_year_carried_losses (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  year_start date NOT NULL CHECK (extract(month FROM year_start) = 4 AND extract(day FROM year_start) = 1),
  format smallint NOT NULL,
  reference_version bigint NOT NULL,
  losses jsonb NOT NULL CHECK (jsonb_typeof(losses) = 'array'),
  built_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, year_start)
);

ALTER TABLE tax_year_carried_losses ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tax_year_carried_losses_isolation_policy ON tax_year_carried_losses;
CREATE POLICY tax_year_carried_losses_isolation_policy ON tax_year_carried_losses FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());

-- Runs as the owner (not subject to row-level security), so whoever changed the ledger clears what it made stale.
-- Statement-level with transition tables: one DELETE per statement, however many rows it wrote.
-- Named to sort after ledger_versions_on_*: PostgreSQL fires a table's triggers for one event in name order, so the
-- version bump (which waits on a reader holding the version row FOR SHARE while it stores a row) comes first and this
-- DELETE, in a fresh snapshot, then sees what that reader stored (CapitalGainsStatements.KeepBroughtForwardAsync).
CREATE OR REPLACE FUNCTION tax_year_carried_losses_invalidate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_TABLE_NAME = 'investments' THEN
    -- A holding moved to another platform or security: every year of its investor may change. Every ledger write also
    -- updates its holding's quantity and cost, which the statement never reads from here: those leave the rows alone.
    DELETE FROM tax_year_carried_losses c
    USING (SELECT n.user_id FROM changed_new n JOIN changed_old o ON o.id = n.id
           WHERE n.platform IS DISTINCT FROM o.platform OR n.security_id IS DISTINCT FROM o.security_id
              OR n.user_id IS DISTINCT FROM o.user_id
           UNION SELECT o.user_id FROM changed_new n JOIN changed_old o ON o.id = n.id WHERE n.user_id IS DISTINCT FROM o.user_id) m
    WHERE c.user_id = m.user_id;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    DELETE FROM tax_year_carried_losses c
    USING (SELECT user_id, min(transaction_date) AS first_date FROM changed_new GROUP BY user_id) n
    WHERE c.user_id = n.user_id AND c.year_start > n.first_date;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM tax_year_carried_losses c
    USING (SELECT user_id, min(transaction_date) AS first_date FROM changed_old GROUP BY user_id) n
    WHERE c.user_id = n.user_id AND c.year_start > n.first_date;
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS tax_year_carried_losses_on_insert ON transactions;
DROP TRIGGER IF EXISTS tax_year_carried_losses_on_update ON transactions;
DROP TRIGGER IF EXISTS tax_year_carried_losses_on_delete ON transactions;
DROP TRIGGER IF EXISTS tax_year_carried_losses_on_investment_update ON investments;
CREATE TRIGGER tax_year_carried_losses_on_insert AFTER INSERT ON transactions
  REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION tax_year_carried_losses_invalidate();
CREATE TRIGGER tax_year_carried_losses_on_update AFTER UPDATE ON transactions
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION tax_year_carried_losses_invalidate();
CREATE TRIGGER tax_year_carried_losses_on_delete AFTER DELETE ON transactions
  REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION tax_year_carried_losses_invalidate();
CREATE TRIGGER tax_year_carried_losses_on_investment_update AFTER UPDATE ON investments
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION tax_year_carried_losses_invalidate();

-- Every investor with a ledger gets a version row: a reader stores a year's losses only while it holds that row FOR
-- SHARE (a writer's bump then waits for it), and an investor with no row yet has nothing to hold.
INSERT INTO ledger_versions (user_id, version)
SELECT DISTINCT t.user_id, 1 FROM transactions t WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = t.user_id)
ON CONFLICT (user_id) DO NOTHING;

-- The whole ledger, live and archived: retention moves a closed position's trades older than seven years to
-- transactions_archive (decision 0058), and what is computed over all of history (the capital-gains statements of those
-- years and the losses they carry forward, lifetime realised P&L) still needs them (decision 0066). security_invoker: the
-- reader's row-level security applies to both tables. `SELECT *` is expanded when the view is made: a migration that adds
-- a column to transactions (and so to transactions_archive) recreates this view.
CREATE OR REPLACE VIEW ledger_transactions WITH (security_invoker = true) AS
  SELECT * FROM transactions
  UNION ALL
  SELECT * FROM transactions_archive;
