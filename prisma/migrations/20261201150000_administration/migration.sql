-- Administration (issue 13): disabled accounts, retired scopes, revocations by administrators,
-- the deployment's policies and default scopes, the record of administrators' actions, and the
-- two administrator scopes. See docs/database.md, "Administration".

-- AlterTable
ALTER TABLE "users" ADD COLUMN "disabled_at" TIMESTAMPTZ(3),
ADD COLUMN "last_sign_in_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "scopes" ADD COLUMN "retired_at" TIMESTAMPTZ(3),
ADD COLUMN "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "tokens" ADD COLUMN "revocation_reason" VARCHAR(500),
ADD COLUMN "revoked_by_id" UUID;

-- AddForeignKey
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_revoked_by_id_fkey" FOREIGN KEY ("revoked_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "deployment_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "default_scopes" VARCHAR(64)[] NOT NULL DEFAULT ARRAY[]::VARCHAR(64)[],
    "default_scopes_chosen" BOOLEAN NOT NULL DEFAULT false,
    "max_token_lifetime_days" INTEGER,
    "max_rotation_overlap_seconds" INTEGER,
    "max_active_tokens_per_user" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployment_settings_pkey" PRIMARY KEY ("id"),
    -- One row: the deployment has one set of policies.
    CONSTRAINT "deployment_settings_one_row" CHECK ("id" = 1)
);
INSERT INTO "deployment_settings" ("id") VALUES (1);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" VARCHAR(64) NOT NULL,
    "actor_kind" VARCHAR(16) NOT NULL,
    "actor_user_id" UUID,
    "actor_label" VARCHAR(254),
    "actor_token_guid" UUID,
    "target_user_id" UUID,
    "target_token_guid" UUID,
    "target_scope" VARCHAR(64),
    "details" JSONB NOT NULL DEFAULT '{}',
    "ip" VARCHAR(45),
    "user_agent" VARCHAR(256),

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_events_occurred_at_idx" ON "audit_events"("occurred_at");
CREATE INDEX "audit_events_actor_user_id_occurred_at_idx" ON "audit_events"("actor_user_id", "occurred_at");
CREATE INDEX "audit_events_target_user_id_occurred_at_idx" ON "audit_events"("target_user_id", "occurred_at");
CREATE INDEX "audit_events_target_token_guid_occurred_at_idx" ON "audit_events"("target_token_guid", "occurred_at");

-- A disabled account's tokens are refused everywhere: disabling must reach every instance's cache.
DROP TRIGGER "users_notify" ON "users";
CREATE TRIGGER "users_notify" AFTER UPDATE OF "email", "name", "is_admin", "disabled_at" OR DELETE ON "users" FOR EACH ROW
    EXECUTE FUNCTION "tollgate_notify_change"();

-- Administrators' own scopes: only an administrator can hold them (lib/scopes/service.ts).
INSERT INTO "scopes" ("name", "description") VALUES
    ('admin:read', 'Read users, scopes, every token and the policies (administrators only)'),
    ('admin:write', 'Change users, grants, scopes, tokens and policies (administrators only)')
ON CONFLICT ("name") DO NOTHING;
