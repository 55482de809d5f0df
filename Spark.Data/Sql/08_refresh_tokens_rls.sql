ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY refresh_tokens_isolation_policy ON refresh_tokens FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());
