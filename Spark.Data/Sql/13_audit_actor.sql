-- Who acted, apart from whose account it concerns (decision 0044). user_id stays the account concerned; actor_id
-- is the staff member acting on it (or impersonating it), or the account itself for its own successful actions.
-- No foreign key: an audit trail keeps who acted even after that account is deleted (the screen then says so).
ALTER TABLE audit_logs ADD COLUMN IF NOT EXISTS actor_id uuid;

-- Before this column, staff actions carried the staff member in changes->'by' (decision 0041); failed events
-- (a wrong password, a reused refresh token) have no proven actor and stay NULL.
UPDATE audit_logs
SET actor_id = CASE
    WHEN changes ->> 'by' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (changes ->> 'by')::uuid
    WHEN status = 'success' THEN user_id
  END
WHERE actor_id IS NULL;

-- Indexes on the partitioned parent: each becomes one index per partition, and partitions created later by
-- spark_ensure_partition get them on ATTACH. Each serves one filter of the audit screen newest first, so its
-- first page is an ordered index scan that stops after one page instead of a sort of every matching row.
CREATE INDEX IF NOT EXISTS idx_audit_logs_actor_created ON audit_logs (actor_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_audit_logs_user_created ON audit_logs (user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_audit_logs_action_created ON audit_logs (action, created_at DESC);

-- Row changes recorded by the trigger: the actor is whoever is in scope (NULL for system work).
CREATE OR REPLACE FUNCTION audit_trigger_func() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  row_data jsonb;
  actor uuid;
  acting uuid;
BEGIN
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  acting := current_user_id();
  -- Whose row; system work (no user in scope) is recorded against the row's owner.
  actor := coalesce(acting, (row_data ->> 'user_id')::uuid);
  -- A user being deleted takes their rows with them; their audit rows then carry no user.
  IF actor IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = actor) THEN
    actor := NULL;
  END IF;
  IF acting IS NOT NULL AND acting IS DISTINCT FROM actor THEN
    acting := NULL;
  END IF;
  INSERT INTO audit_logs (user_id, actor_id, action, entity_type, entity_id, changes)
  VALUES (
    actor,
    acting,
    TG_OP,
    TG_TABLE_NAME,
    (row_data ->> 'id')::uuid,
    jsonb_build_object(
      'old', CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END,
      'new', CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END));
  RETURN NULL;
END
$$;
