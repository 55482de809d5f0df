-- goals.linked_investment_ids would let one holding count toward several goals. An investment counts
-- toward at most one live goal of its owner, and only the owner's investments can be linked.
-- The advisory lock serialises link changes per user, so two concurrent goals cannot both take a holding.
CREATE OR REPLACE FUNCTION goals_check_linked_investments() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.deleted_at IS NOT NULL OR NEW.linked_investment_ids IS NULL OR cardinality(NEW.linked_investment_ids) = 0 THEN
    RETURN NEW;
  END IF;
  IF (SELECT count(DISTINCT l) FROM unnest(NEW.linked_investment_ids) AS l) <> cardinality(NEW.linked_investment_ids) THEN
    RAISE EXCEPTION 'an investment is linked to this goal more than once'
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ux_goals_linked_investment';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('spark_goal_links:' || NEW.user_id::text));
  IF EXISTS (
    SELECT 1 FROM unnest(NEW.linked_investment_ids) AS l(id)
    WHERE NOT EXISTS (SELECT 1 FROM investments i WHERE i.id = l.id AND i.user_id = NEW.user_id)) THEN
    RAISE EXCEPTION 'a linked investment does not exist or belongs to someone else'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_goals_linked_investment';
  END IF;
  IF EXISTS (
    SELECT 1 FROM goals g
    WHERE g.user_id = NEW.user_id AND g.id <> NEW.id AND g.deleted_at IS NULL
      AND g.linked_investment_ids && NEW.linked_investment_ids) THEN
    RAISE EXCEPTION 'an investment counts toward at most one goal'
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'ux_goals_linked_investment';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER goals_linked_investments_check
BEFORE INSERT OR UPDATE OF linked_investment_ids, deleted_at ON goals
FOR EACH ROW EXECUTE FUNCTION goals_check_linked_investments();
