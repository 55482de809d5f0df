-- Reference data every installation has: the roles and the schema document's four strategies.
INSERT INTO roles (id, name, normalized_name, concurrency_stamp) VALUES
  (gen_random_uuid(), 'Investor', 'INVESTOR', gen_random_uuid()::text),
  (gen_random_uuid(), 'Admin', 'ADMIN', gen_random_uuid()::text),
  (gen_random_uuid(), 'Support', 'SUPPORT', gen_random_uuid()::text)
ON CONFLICT DO NOTHING;

INSERT INTO auto_invest_strategies (name, description, risk_level, expected_returns, min_investment, allocation) VALUES
  ('Aggressive Growth', 'High risk, high returns strategy', 'high', 20.00, 10000,
   '{"stocks": 50, "mutual_funds": 25, "crypto": 25}'),
  ('Balanced Wealth Builder', 'Moderate risk with balanced returns', 'medium', 15.00, 5000,
   '{"stocks": 35, "mutual_funds": 40, "etfs": 15, "crypto": 10}'),
  ('Conservative Income', 'Low risk, steady returns', 'low', 10.00, 3000,
   '{"debt": 50, "etfs": 30, "stocks": 20}'),
  ('Crypto Maximalist', 'Very high risk, crypto-focused', 'very_high', 30.00, 5000,
   '{"crypto": 70, "stocks": 10, "mutual_funds": 10, "etfs": 10}')
ON CONFLICT (name) DO NOTHING;
