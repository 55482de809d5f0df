-- Watchlists (decision 0052; the schema document has none): an investor's named lists of securities, in the order the
-- investor keeps them. Limits (10 lists, 50 symbols a list) are the service's rule; the table keeps names unique per
-- user regardless of case, positions non-negative and each security once per list.
CREATE TABLE IF NOT EXISTS watchlists (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name varchar(40) NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 40),
  position integer NOT NULL DEFAULT 0 CHECK (position >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS watchlists_user_name ON watchlists (user_id, lower(name));

CREATE TABLE IF NOT EXISTS watchlist_items (
  watchlist_id uuid NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
  security_id uuid NOT NULL REFERENCES securities(id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 0),
  added_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT watchlist_items_pkey PRIMARY KEY (watchlist_id, security_id)
);
CREATE INDEX IF NOT EXISTS watchlist_items_order ON watchlist_items (watchlist_id, position);

-- A list is its user's; an item belongs to its list, and so to the list's user (the subquery is itself filtered by the
-- watchlists policy, as sync_logs are by platform_connections): an item cannot be read or written into another user's list.
ALTER TABLE watchlists ENABLE ROW LEVEL SECURITY;
CREATE POLICY watchlists_isolation_policy ON watchlists FOR ALL
  USING (user_id = current_user_id() OR rls_bypassed());
ALTER TABLE watchlist_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY watchlist_items_isolation_policy ON watchlist_items FOR ALL
  USING (rls_bypassed() OR EXISTS (SELECT 1 FROM watchlists w WHERE w.id = watchlist_id));
