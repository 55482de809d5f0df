-- The back office's user search (decision 0041). Measured on 100,000 users: a contains search over email, name
-- and phone took ~166 ms (count) + ~143 ms (page) as sequential scans, and ~0.3 ms with this trigram index; the
-- default list (newest first) took ~55 ms as a top-N sort and ~0.04 ms with the created_at index.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner, which runs migrations, may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX IF NOT EXISTS idx_users_search_trgm ON users USING gin (email gin_trgm_ops, name gin_trgm_ops, phone gin_trgm_ops);
CREATE INDEX IF NOT EXISTS idx_users_created_at ON users (created_at DESC, id);
