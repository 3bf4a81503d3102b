-- The change feed (issue 16, GET /api/v1/introspect/changes): which service token has introspected
-- which token, so that each instance can tell a connected service about changes to the tokens it
-- asked about and nothing else. No foreign keys on purpose: a deleted token (or account) must keep
-- its rows until every instance's feed has looked them up; the maintenance job prunes rows whose
-- tokens are gone or that were not introspected within USAGE_RETENTION_DAYS (docs/architecture.md).
CREATE TABLE "introspected_tokens" (
    "service_token_guid" UUID NOT NULL,
    "token_guid" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "introspected_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "introspected_tokens_pkey" PRIMARY KEY ("service_token_guid","token_guid")
);

CREATE INDEX "introspected_tokens_token_guid_idx" ON "introspected_tokens"("token_guid");
CREATE INDEX "introspected_tokens_user_id_idx" ON "introspected_tokens"("user_id");
CREATE INDEX "introspected_tokens_introspected_at_idx" ON "introspected_tokens"("introspected_at");
