-- Section 55(2)(ac) of the Income-tax Act 1961 (decision 0048): the fair market value on 31 January 2018 of an equity
-- share or unit, entered by an admin per ISIN where Spark has no bar of that day (or where the bar is wrong). The
-- value is per unit in that day's units (later splits and bonuses are applied when it is read). Reference data, not a
-- user's rows: no row-level security; only admins write it (the service checks, and every write is audited with
-- old -> new and a reason in audit_logs).
CREATE TABLE IF NOT EXISTS grandfathered_values (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  isin varchar(12) NOT NULL CHECK (isin ~ '^[A-Z]{2}[A-Z0-9]{9}[0-9]$'),
  value numeric(15, 4) NOT NULL CHECK (value > 0),
  source varchar(200),
  note varchar(500),
  updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT grandfathered_values_isin UNIQUE (isin)
);
