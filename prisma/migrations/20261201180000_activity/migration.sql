-- Activity (issue 14): the system's own events are recorded exactly once, whichever instance is first.
ALTER TABLE "audit_events" ADD COLUMN "dedupe_key" VARCHAR(200);
CREATE UNIQUE INDEX "audit_events_dedupe_key_key" ON "audit_events"("dedupe_key");

-- CreateTable
CREATE TABLE "token_secret_history" (
    "id" UUID NOT NULL,
    "token_guid" UUID NOT NULL,
    "partial" VARCHAR(32) NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "stopped_at" TIMESTAMPTZ(3),

    CONSTRAINT "token_secret_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "token_usage" (
    "token_guid" UUID NOT NULL,
    "hour" TIMESTAMPTZ(0) NOT NULL,
    "source" VARCHAR(36) NOT NULL DEFAULT '',
    "answered" INTEGER NOT NULL DEFAULT 0,
    "refused_scope" INTEGER NOT NULL DEFAULT 0,
    "refused_rate" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "token_usage_pkey" PRIMARY KEY ("token_guid","hour","source")
);

-- CreateTable
CREATE TABLE "token_addresses" (
    "token_guid" UUID NOT NULL,
    "ip" VARCHAR(45) NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "user_agent" VARCHAR(256),

    CONSTRAINT "token_addresses_pkey" PRIMARY KEY ("token_guid","ip")
);

-- CreateIndex
CREATE INDEX "token_secret_history_token_guid_issued_at_idx" ON "token_secret_history"("token_guid", "issued_at");
CREATE INDEX "token_usage_hour_idx" ON "token_usage"("hour");
CREATE INDEX "token_addresses_token_guid_last_seen_at_idx" ON "token_addresses"("token_guid", "last_seen_at");

-- AddForeignKey
ALTER TABLE "token_secret_history" ADD CONSTRAINT "token_secret_history_token_guid_fkey" FOREIGN KEY ("token_guid") REFERENCES "tokens"("guid") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "token_usage" ADD CONSTRAINT "token_usage_token_guid_fkey" FOREIGN KEY ("token_guid") REFERENCES "tokens"("guid") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "token_addresses" ADD CONSTRAINT "token_addresses_token_guid_fkey" FOREIGN KEY ("token_guid") REFERENCES "tokens"("guid") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tokens from before this migration: their current secret is the first of their history.
INSERT INTO "token_secret_history" ("id", "token_guid", "partial", "issued_at")
SELECT gen_random_uuid(), t."guid", t."partial", COALESCE((SELECT max(s."created_at") FROM "token_secrets" s WHERE s."token_guid" = t."guid"), t."created_at")
FROM "tokens" t;
