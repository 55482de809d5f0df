-- Versions of an investor's ledger per financial year (decision 0066): bumped for the financial year of each changed
-- transaction's date, in the writing transaction. A statement of year Y depends only on rows dated up to Y's end, so it
-- is kept in memory under the sum of the versions of the years up to Y: a fill dated today moves the current year's
-- sum and leaves every earlier year's statement served from memory. year_start 1900-04-01 stands for changes that may
-- touch every year (a holding moved to another platform or security). No row reads as version 0; rows are only added
-- or bumped, so a sum changes whenever any year it covers changes.
CREATE TABLE IF NOT EXISTS ledger_year_versions (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  year_start date NOT NULL CHECK (extract(month FROM year_start) = 4 AND extract(day FROM year_start) = 1),
  version bigint NOT NULL CHECK (version > 0),
  PRIMARY KEY (user_id, year_start)
);
ALTER TABLE ledger_year_versions ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS ledger_year_versions_isolation_policy ON ledger_year_versions;
CREATE POLICY ledger_year_versions_isolation_policy ON ledger_year_versions FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());

-- The first day of the Indian financial year (1 April to 31 March) that holds a date.
CREATE OR REPLACE FUNCTION financial_year_start(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT make_date(CASE WHEN extract(month FROM d) >= 4 THEN extract(year FROM d)::int ELSE extract(year FROM d)::int - 1 END, 4, 1)
$$;

-- Runs as the owner: whoever changed the ledger bumps the years it touched, in (user, year) order so two writers lock
-- the rows in the same order. Users being deleted are skipped (their rows go with them).
CREATE OR REPLACE FUNCTION ledger_year_versions_bump() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_TABLE_NAME = 'investments' THEN
    INSERT INTO ledger_year_versions AS v (user_id, year_start, version)
    SELECT m.user_id, DATE '1900-04-01', 1
    FROM (SELECT n.user_id FROM changed_new n JOIN changed_old o ON o.id = n.id
          WHERE n.platform IS DISTINCT FROM o.platform OR n.security_id IS DISTINCT FROM o.security_id OR n.user_id IS DISTINCT FROM o.user_id
          UNION SELECT o.user_id FROM changed_new n JOIN changed_old o ON o.id = n.id WHERE n.user_id IS DISTINCT FROM o.user_id) m
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = m.user_id) ORDER BY m.user_id
    ON CONFLICT (user_id, year_start) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
  END IF;
  -- Each branch names only the transition tables its event has (an INSERT trigger has no changed_old).
  IF TG_OP = 'INSERT' THEN
    INSERT INTO ledger_year_versions AS v (user_id, year_start, version)
    SELECT c.user_id, c.year_start, 1
    FROM (SELECT DISTINCT user_id, financial_year_start(transaction_date) AS year_start FROM changed_new) c
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id) ORDER BY c.user_id, c.year_start
    ON CONFLICT (user_id, year_start) DO UPDATE SET version = v.version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO ledger_year_versions AS v (user_id, year_start, version)
    SELECT c.user_id, c.year_start, 1
    FROM (SELECT user_id, financial_year_start(transaction_date) AS year_start FROM changed_new
          UNION SELECT user_id, financial_year_start(transaction_date) FROM changed_old) c
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id) ORDER BY c.user_id, c.year_start
    ON CONFLICT (user_id, year_start) DO UPDATE SET version = v.version + 1;
  ELSE
    INSERT INTO ledger_year_versions AS v (user_id, year_start, version)
    SELECT c.user_id, c.year_start, 1
    FROM (SELECT DISTINCT user_id, financial_year_start(transaction_date) AS year_start FROM changed_old) c
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id) ORDER BY c.user_id, c.year_start
    ON CONFLICT (user_id, year_start) DO UPDATE SET version = v.version + 1;
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS ledger_year_versions_on_insert ON transactions;
DROP TRIGGER IF EXISTS ledger_year_versions_on_update ON transactions;
DROP TRIGGER IF EXISTS ledger_year_versions_on_delete ON transactions;
DROP TRIGGER IF EXISTS ledger_year_versions_on_investment_update ON investments;
CREATE TRIGGER ledger_year_versions_on_insert AFTER INSERT ON transactions
  REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION ledger_year_versions_bump();
CREATE TRIGGER ledger_year_versions_on_update AFTER UPDATE ON transactions
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION ledger_year_versions_bump();
CREATE TRIGGER ledger_year_versions_on_delete AFTER DELETE ON transactions
  REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION ledger_year_versions_bump();
CREATE TRIGGER ledger_year_versions_on_investment_update AFTER UPDATE ON investments
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION ledger_year_versions_bump();
