-- One owner of the paper exchange across Spark instances (decision 0056).

-- The lease: one row per exchange, its epoch the fencing token of the instance elected last (a sequence value taken at
-- election, under the PostgreSQL session advisory lock that decides who owns it). No user's rows: no row-level security.
CREATE SEQUENCE IF NOT EXISTS exchange_epoch_seq;
CREATE TABLE IF NOT EXISTS exchange_leases (
  name varchar(50) PRIMARY KEY,
  epoch bigint NOT NULL,
  holder varchar(200) NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now()
);

-- The fill guard: a fill written by an elected owner carries its epoch, and is refused unless that epoch is still the
-- lease's. FOR SHARE holds the lease row until the fill commits, so an election (which updates the row) waits for fills
-- in flight and every later fill of the deposed owner sees the new epoch and fails. SQLSTATE SP409 names the refusal.
CREATE OR REPLACE FUNCTION order_executions_fence() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.exchange_epoch IS NOT NULL THEN
    PERFORM 1 FROM exchange_leases WHERE name = 'paper' AND epoch = NEW.exchange_epoch FOR SHARE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'exchange epoch % is no longer the owner''s: this instance was deposed', NEW.exchange_epoch
        USING ERRCODE = 'SP409';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS order_executions_fence ON order_executions;
CREATE TRIGGER order_executions_fence BEFORE INSERT OR UPDATE OF exchange_epoch ON order_executions
  FOR EACH ROW EXECUTE FUNCTION order_executions_fence();

-- Placements, changes and ends of paper orders reach the owner on commit (NOTIFY is transactional), whichever instance
-- or code path (the order service, plan runs) wrote them: 'placed:<id>' for a new top-level order, 'changed:<id>' when an
-- open order's quantity, price or trigger changes other than by a fill, 'closed:<id>' when an open order ends.
CREATE OR REPLACE FUNCTION trading_orders_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.platform <> 'paper' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.parent_order_id IS NULL AND NEW.status IN ('pending', 'placed', 'partially_filled') THEN
      PERFORM pg_notify('spark_orders', 'placed:' || NEW.id);
    END IF;
  ELSIF OLD.status IN ('pending', 'placed', 'partially_filled') THEN
    IF NEW.status NOT IN ('pending', 'placed', 'partially_filled') THEN
      PERFORM pg_notify('spark_orders', 'closed:' || NEW.id);
    ELSIF NEW.filled_quantity = OLD.filled_quantity
      AND (NEW.quantity IS DISTINCT FROM OLD.quantity OR NEW.price IS DISTINCT FROM OLD.price OR NEW.stop_loss IS DISTINCT FROM OLD.stop_loss) THEN
      PERFORM pg_notify('spark_orders', 'changed:' || NEW.id);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS trading_orders_notify ON trading_orders;
CREATE TRIGGER trading_orders_notify AFTER INSERT OR UPDATE ON trading_orders
  FOR EACH ROW EXECUTE FUNCTION trading_orders_notify();

-- The outbox holds a user's notifications: isolated by user like user_notifications (writers insert in the user's own
-- unit of work; the dispatcher reads as system work).
ALTER TABLE notification_outbox ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS notification_outbox_isolation_policy ON notification_outbox;
CREATE POLICY notification_outbox_isolation_policy ON notification_outbox FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());
