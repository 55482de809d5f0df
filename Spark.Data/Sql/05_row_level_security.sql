-- Every user-owned table: a unit of work sees and writes only its user's rows, unless the application
-- opened it explicitly as system work. The owner role (migrations) is not subject to these policies.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'user_security', 'user_sessions', 'user_preferences', 'platform_connections', 'investments',
    'investment_holdings', 'transactions', 'transactions_archive', 'goals', 'goal_contributions',
    'auto_invest_plans', 'plan_executions', 'trading_orders', 'order_executions', 'cash_accounts',
    'cash_ledger', 'user_notifications', 'audit_logs']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL USING (user_id = current_user_id() OR rls_bypassed())',
                   t || '_isolation_policy', t);
  END LOOP;
END
$$;

-- Sync logs belong to a connection, and so to the connection's user (the subquery is itself filtered).
ALTER TABLE sync_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY sync_logs_isolation_policy ON sync_logs FOR ALL
  USING (rls_bypassed() OR EXISTS (SELECT 1 FROM platform_connections c WHERE c.id = connection_id));

-- Analyses without a user are shared (a security's analysis); a user's own are private.
ALTER TABLE ai_analyses ENABLE ROW LEVEL SECURITY;
CREATE POLICY ai_analyses_isolation_policy ON ai_analyses FOR ALL
  USING (user_id IS NULL OR user_id = current_user_id() OR rls_bypassed());
