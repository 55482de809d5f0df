-- Corporate actions (decision 0042): a split, bonus or dividend of one security, recorded once (the natural key),
-- and one entry per holding it was applied to (the holding's ledger row is linked by transaction_id and by the
-- ledger row's own transaction_id 'ca:<action id>', unique per user, platform and date).
CREATE TABLE IF NOT EXISTS corporate_actions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  security_id uuid NOT NULL REFERENCES securities(id) ON DELETE RESTRICT,
  type varchar(20) NOT NULL CHECK (type IN ('split', 'bonus', 'dividend')),
  ex_date date NOT NULL,
  ratio_new numeric(12, 4) NOT NULL DEFAULT 0,
  ratio_old numeric(12, 4) NOT NULL DEFAULT 0,
  amount_per_share numeric(15, 4) NOT NULL DEFAULT 0,
  note varchar(500),
  status varchar(20) NOT NULL DEFAULT 'applying' CHECK (status IN ('applying', 'applied')),
  holders integer NOT NULL DEFAULT 0,
  recorded_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  applied_at timestamptz,
  CONSTRAINT corporate_actions_once UNIQUE (security_id, type, ex_date, ratio_new, ratio_old, amount_per_share)
);
CREATE INDEX IF NOT EXISTS idx_corporate_actions_created ON corporate_actions (created_at DESC, id);

-- One row per holding an action was applied to: a user's row, so row-level security like every user-owned table.
CREATE TABLE IF NOT EXISTS corporate_action_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  corporate_action_id uuid NOT NULL REFERENCES corporate_actions(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  investment_id uuid NOT NULL REFERENCES investments(id) ON DELETE CASCADE,
  transaction_id uuid,
  platform varchar(50) NOT NULL,
  quantity_before numeric(20, 8) NOT NULL,
  quantity_after numeric(20, 8) NOT NULL,
  amount numeric(15, 2) NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT corporate_action_entries_once UNIQUE (corporate_action_id, investment_id)
);
CREATE INDEX IF NOT EXISTS idx_corporate_action_entries_user ON corporate_action_entries (user_id);

ALTER TABLE corporate_action_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY corporate_action_entries_isolation_policy ON corporate_action_entries FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());

-- The securities master's admin list: search by symbol, name or ISIN (contains), filters by exchange.
CREATE INDEX IF NOT EXISTS idx_securities_search_trgm ON securities USING gin (symbol gin_trgm_ops, name gin_trgm_ops, isin gin_trgm_ops);
CREATE INDEX IF NOT EXISTS idx_securities_exchange ON securities (exchange);
