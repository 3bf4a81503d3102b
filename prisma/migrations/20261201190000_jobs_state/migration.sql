-- The maintenance job (lib/jobs/maintenance.ts): how far it has recorded the events time derives
-- (tokens expiring, rotation overlaps ending). One row. Starting at the migration's own time means
-- tokens that expired before this release get no event; everything from now on gets one.
-- CreateTable
CREATE TABLE "jobs_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "events_through" TIMESTAMPTZ(3) NOT NULL,
    "last_run_at" TIMESTAMPTZ(3),

    CONSTRAINT "jobs_state_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "jobs_state_one_row" CHECK ("id" = 1)
);

INSERT INTO "jobs_state" ("id", "events_through") VALUES (1, now());

-- The job finds overlaps that ended by their end, never by reading every secret.
-- CreateIndex
CREATE INDEX "token_secrets_expires_at_idx" ON "token_secrets"("expires_at");

-- Retention finds addresses not seen for USAGE_RETENTION_DAYS by their last sighting, across tokens.
-- CreateIndex
CREATE INDEX "token_addresses_last_seen_at_idx" ON "token_addresses"("last_seen_at");
