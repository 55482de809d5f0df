CREATE MATERIALIZED VIEW mv_portfolio_summary AS
SELECT
  user_id,
  SUM(invested_amount) AS total_invested,
  SUM(current_value) AS total_current_value,
  SUM(returns) AS total_returns
FROM investments
WHERE status = 'active'
GROUP BY user_id;

CREATE UNIQUE INDEX ON mv_portfolio_summary(user_id);

-- A materialized view has no row-level security: the application role never reads it directly.
-- It reads its own row through this function, and the refresh job runs as the owner through the next.
CREATE OR REPLACE FUNCTION my_portfolio_summary()
RETURNS TABLE (user_id uuid, total_invested numeric, total_current_value numeric, total_returns numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT m.user_id, m.total_invested, m.total_current_value, m.total_returns
  FROM mv_portfolio_summary m
  WHERE m.user_id = current_user_id()
$$;

CREATE OR REPLACE FUNCTION refresh_portfolio_summary() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  REFRESH MATERIALIZED VIEW CONCURRENTLY mv_portfolio_summary
$$;

REVOKE ALL ON FUNCTION my_portfolio_summary() FROM PUBLIC;
REVOKE ALL ON FUNCTION refresh_portfolio_summary() FROM PUBLIC;
