-- The lots a holding still held on the first day of a financial year, as the capital-gains statement's FIFO needs them
-- (decision 0055): the acquisitions left open by the earlier sells (the first one cut to the part left), the splits
-- that restate them, or the whole earlier ledger when a bonus stated as a ratio makes its units depend on all of it.
-- A cache of the ledger, never a source of truth: a row holds a JSON array of ledger rows in `format`'s shape, and the
-- statement rebuilds whatever is missing or in another format. Any change to a holding's transactions dated before a
-- year's start (insert, edit, delete, whichever code path) deletes that holding's rows for the later years, in the
-- same statement (the trigger below), so a stored opening is never older than the ledger it was built from.
CREATE TABLE IF NOT EXISTS tax_year_openings (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  investment_id uuid NOT NULL REFERENCES investments(id) ON DELETE CASCADE,
  year_start date NOT NULL CHECK (extract(month FROM year_start) = 4 AND extract(day FROM year_start) = 1),
  format smallint NOT NULL,
  lots jsonb NOT NULL CHECK (jsonb_typeof(lots) = 'array'),
  built_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (investment_id, year_start)
);
CREATE INDEX IF NOT EXISTS idx_tax_year_openings_user_id ON tax_year_openings(user_id);

ALTER TABLE tax_year_openings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tax_year_openings_isolation_policy ON tax_year_openings FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());

-- Runs as the owner (not subject to row-level security), so whoever changed the ledger (the user's own unit of work,
-- system work, an admin's corporate action) clears every opening it made stale. Statement-level with transition
-- tables: a bulk import of thousands of rows costs one DELETE, not one per row.
CREATE OR REPLACE FUNCTION tax_year_openings_invalidate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    DELETE FROM tax_year_openings o
    USING (SELECT investment_id, min(transaction_date) AS first_date FROM changed_new WHERE investment_id IS NOT NULL GROUP BY investment_id) c
    WHERE o.investment_id = c.investment_id AND o.year_start > c.first_date;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM tax_year_openings o
    USING (SELECT investment_id, min(transaction_date) AS first_date FROM changed_old WHERE investment_id IS NOT NULL GROUP BY investment_id) c
    WHERE o.investment_id = c.investment_id AND o.year_start > c.first_date;
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS tax_year_openings_on_insert ON transactions;
DROP TRIGGER IF EXISTS tax_year_openings_on_update ON transactions;
DROP TRIGGER IF EXISTS tax_year_openings_on_delete ON transactions;
CREATE TRIGGER tax_year_openings_on_insert AFTER INSERT ON transactions
  REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION tax_year_openings_invalidate();
CREATE TRIGGER tax_year_openings_on_update AFTER UPDATE ON transactions
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION tax_year_openings_invalidate();
CREATE TRIGGER tax_year_openings_on_delete AFTER DELETE ON transactions
  REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION tax_year_openings_invalidate();
