-- Idempotency keys are the user's own, like every user-owned table (05_row_level_security.sql).
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY idempotency_keys_isolation_policy ON idempotency_keys FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());
