-- The back office's totals across investors, from the materialized view, without exposing any one investor's row.
CREATE OR REPLACE FUNCTION portfolio_totals()
RETURNS TABLE (investors bigint, total_invested numeric, total_current_value numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT count(*), coalesce(sum(total_invested), 0), coalesce(sum(total_current_value), 0) FROM mv_portfolio_summary
$$;

REVOKE ALL ON FUNCTION portfolio_totals() FROM PUBLIC;
