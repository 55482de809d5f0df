-- Crypto trades to 8 decimals (api.md) but the document's quantity columns keep 6: widened (decision 0022).
-- transactions is partitioned and not mapped by EF migrations; the archive copy follows it.
ALTER TABLE transactions ALTER COLUMN quantity TYPE numeric(20, 8);
ALTER TABLE transactions_archive ALTER COLUMN quantity TYPE numeric(20, 8);
