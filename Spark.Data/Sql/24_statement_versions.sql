-- Versions of what a capital-gains statement is computed from (decision 0065): a statement kept in memory is served
-- again only while both numbers it was computed under are unchanged. Triggers bump them in the same transaction as
-- the change, whichever code path made it (the ledger service, the paper exchange's fills, imports, corporate actions,
-- retention, plain SQL), so a change committed on any instance is seen by the next read on every instance, and a
-- rolled-back change rolls its bump back.

-- One row per investor whose ledger has changed since this table was made; no row reads as version 0.
CREATE TABLE IF NOT EXISTS ledger_versions (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  version bigint NOT NULL CHECK (version > 0),
  changed_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE ledger_versions ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS ledger_versions_isolation_policy ON ledger_versions;
CREATE POLICY ledger_versions_isolation_policy ON ledger_versions FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());

-- Shared reference data of the statement: 'tax' covers the securities master (type, ISIN, exchange, name), the
-- admins' 31 January 2018 values, corporate actions and the stored bars of 31 January 2018.
CREATE TABLE IF NOT EXISTS reference_versions (
  name text PRIMARY KEY,
  version bigint NOT NULL CHECK (version > 0),
  changed_at timestamptz NOT NULL DEFAULT now()
);

-- Runs as the owner: whoever changed the ledger (the investor's own unit of work, system work, an admin) bumps the
-- investors it touched. Users in id order, so two writers bumping the same set lock the rows in the same order. A user
-- being deleted (the cascade empties their ledger) is skipped: their row goes with them.
CREATE OR REPLACE FUNCTION ledger_versions_bump() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO ledger_versions AS v (user_id, version)
    SELECT c.user_id, 1 FROM (SELECT DISTINCT user_id FROM changed_new) c
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id) ORDER BY c.user_id
    ON CONFLICT (user_id) DO UPDATE SET version = v.version + 1, changed_at = now();
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO ledger_versions AS v (user_id, version)
    SELECT c.user_id, 1 FROM (SELECT user_id FROM changed_new UNION SELECT user_id FROM changed_old) c
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id) ORDER BY c.user_id
    ON CONFLICT (user_id) DO UPDATE SET version = v.version + 1, changed_at = now();
  ELSE
    INSERT INTO ledger_versions AS v (user_id, version)
    SELECT c.user_id, 1 FROM (SELECT DISTINCT user_id FROM changed_old) c
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id) ORDER BY c.user_id
    ON CONFLICT (user_id) DO UPDATE SET version = v.version + 1, changed_at = now();
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS ledger_versions_on_insert ON transactions;
DROP TRIGGER IF EXISTS ledger_versions_on_update ON transactions;
DROP TRIGGER IF EXISTS ledger_versions_on_delete ON transactions;
CREATE TRIGGER ledger_versions_on_insert AFTER INSERT ON transactions
  REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION ledger_versions_bump();
CREATE TRIGGER ledger_versions_on_update AFTER UPDATE ON transactions
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION ledger_versions_bump();
CREATE TRIGGER ledger_versions_on_delete AFTER DELETE ON transactions
  REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION ledger_versions_bump();

-- A holding's platform or security is part of every row of its sales.
DROP TRIGGER IF EXISTS ledger_versions_on_investment_update ON investments;
CREATE TRIGGER ledger_versions_on_investment_update AFTER UPDATE ON investments
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION ledger_versions_bump();

CREATE OR REPLACE FUNCTION reference_versions_bump_tax() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO reference_versions AS v (name, version) VALUES ('tax', 1)
  ON CONFLICT (name) DO UPDATE SET version = v.version + 1, changed_at = now();
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS reference_versions_tax_on_securities ON securities;
CREATE TRIGGER reference_versions_tax_on_securities AFTER INSERT OR UPDATE OR DELETE ON securities
  FOR EACH STATEMENT EXECUTE FUNCTION reference_versions_bump_tax();
DROP TRIGGER IF EXISTS reference_versions_tax_on_grandfathered ON grandfathered_values;
CREATE TRIGGER reference_versions_tax_on_grandfathered AFTER INSERT OR UPDATE OR DELETE ON grandfathered_values
  FOR EACH STATEMENT EXECUTE FUNCTION reference_versions_bump_tax();
DROP TRIGGER IF EXISTS reference_versions_tax_on_corporate_actions ON corporate_actions;
CREATE TRIGGER reference_versions_tax_on_corporate_actions AFTER INSERT OR UPDATE OR DELETE ON corporate_actions
  FOR EACH STATEMENT EXECUTE FUNCTION reference_versions_bump_tax();
-- Bars are written every session for every security: only a bar of 31 January 2018 (section 55(2)(ac)) matters.
DROP TRIGGER IF EXISTS reference_versions_tax_on_2018_bar ON market_data_daily;
DROP TRIGGER IF EXISTS reference_versions_tax_on_2018_bar_delete ON market_data_daily;
CREATE TRIGGER reference_versions_tax_on_2018_bar AFTER INSERT OR UPDATE ON market_data_daily
  FOR EACH ROW WHEN (NEW.trade_date = DATE '2018-01-31') EXECUTE FUNCTION reference_versions_bump_tax();
CREATE TRIGGER reference_versions_tax_on_2018_bar_delete AFTER DELETE ON market_data_daily
  FOR EACH ROW WHEN (OLD.trade_date = DATE '2018-01-31') EXECUTE FUNCTION reference_versions_bump_tax();
