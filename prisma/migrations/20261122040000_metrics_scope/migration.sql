-- Operators read counters (database queries, cache hits) from GET /api/metrics with a token
-- holding this scope. No user is granted it by default.
INSERT INTO "scopes" ("name", "description") VALUES
    ('metrics:read', 'Read the service''s operational counters (for operators and benchmarks)')
ON CONFLICT ("name") DO NOTHING;
