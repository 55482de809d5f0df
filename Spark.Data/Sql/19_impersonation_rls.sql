-- Impersonations and consent codes concern one customer each (user_id): in that customer's scope they see only their
-- own (the visits list in Settings → Security); staff work reads and writes them as system work (decision 0045).
ALTER TABLE impersonation_sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY impersonation_sessions_isolation_policy ON impersonation_sessions FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());
ALTER TABLE impersonation_consents ENABLE ROW LEVEL SECURITY;
CREATE POLICY impersonation_consents_isolation_policy ON impersonation_consents FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());
