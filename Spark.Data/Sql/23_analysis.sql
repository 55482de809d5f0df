-- Security analysis (decision 0060).
--
-- ai_analyses: a security's analysis is one shared row per (security, analysis type) with user_id NULL, readable by
-- every investor. The original policy (05_row_level_security.sql) let the application role write shared rows inside any
-- investor's unit of work; now only system work (rls_bypassed) writes them, and everyone may still read them.
DROP POLICY IF EXISTS ai_analyses_isolation_policy ON ai_analyses;
CREATE POLICY ai_analyses_isolation_policy ON ai_analyses FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());
CREATE POLICY ai_analyses_shared_read_policy ON ai_analyses FOR SELECT
  USING (user_id IS NULL);

-- One shared row per security and type, so a recomputation replaces the row (INSERT ... ON CONFLICT) rather than piling
-- rows up. A user's own rows (portfolio insights, later) get their own key when they are built.
DELETE FROM ai_analyses a USING ai_analyses b
  WHERE a.user_id IS NULL AND b.user_id IS NULL AND a.security_id = b.security_id AND a.analysis_type = b.analysis_type
    AND (a.generated_at, a.id) < (b.generated_at, b.id);
CREATE UNIQUE INDEX IF NOT EXISTS ux_ai_analyses_security_shared ON ai_analyses (security_id, analysis_type)
  WHERE user_id IS NULL AND security_id IS NOT NULL;

-- Settings the back office changes at run time (feature switches). System-owned: no user's rows, no row-level security.
-- The first: analysis.recommendations_enabled, the admin switch that hides recommendations everywhere.
CREATE TABLE IF NOT EXISTS app_settings (
  key varchar(100) PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id) ON DELETE SET NULL
);
