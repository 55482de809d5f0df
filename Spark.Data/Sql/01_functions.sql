-- The user a unit of work acts for, handed over by the application (DataScopeInterceptor).
-- After first use current_setting returns '' rather than NULL: NULLIF makes a missing user see no rows.
CREATE OR REPLACE FUNCTION current_user_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT NULLIF(current_setting('app.user_id', true), '')::uuid
$$;

-- True only for units of work the application opened explicitly as system work (jobs, seeding, admin).
CREATE OR REPLACE FUNCTION rls_bypassed() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('app.rls_bypass', true), '') = 'on'
$$;
