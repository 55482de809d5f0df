-- The schema document's audit trigger, corrected: on DELETE the row is OLD (NEW is null), and the
-- function runs as the owner so that audit rows are written whatever the caller may read or write.
CREATE OR REPLACE FUNCTION audit_trigger_func() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  row_data jsonb;
  actor uuid;
BEGIN
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  -- Who acted; system work (no user in scope) is recorded against the row's owner.
  actor := coalesce(current_user_id(), (row_data ->> 'user_id')::uuid);
  -- A user being deleted takes their rows with them; their audit rows then carry no user.
  IF actor IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = actor) THEN
    actor := NULL;
  END IF;
  INSERT INTO audit_logs (user_id, action, entity_type, entity_id, changes)
  VALUES (
    actor,
    TG_OP,
    TG_TABLE_NAME,
    (row_data ->> 'id')::uuid,
    jsonb_build_object(
      'old', CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END,
      'new', CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END));
  RETURN NULL;
END
$$;

CREATE TRIGGER audit_investments
AFTER INSERT OR UPDATE OR DELETE ON investments
FOR EACH ROW EXECUTE FUNCTION audit_trigger_func();
