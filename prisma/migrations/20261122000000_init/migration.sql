-- Trigram matching for the token page's name keyword filter (ILIKE '%word%').
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "password_hash" TEXT,
    "is_admin" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scopes" (
    "name" VARCHAR(64) NOT NULL,
    "description" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scopes_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "user_scopes" (
    "user_id" UUID NOT NULL,
    "scope_name" VARCHAR(64) NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_scopes_pkey" PRIMARY KEY ("user_id","scope_name")
);

-- CreateTable
CREATE TABLE "tokens" (
    "guid" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "partial" VARCHAR(32) NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "last_used_ip" VARCHAR(45),
    "last_used_user_agent" VARCHAR(256),

    CONSTRAINT "tokens_pkey" PRIMARY KEY ("guid")
);

-- CreateTable
CREATE TABLE "token_secrets" (
    "hash" CHAR(64) NOT NULL,
    "token_guid" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "token_secrets_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "token_scopes" (
    "token_guid" UUID NOT NULL,
    "scope_name" VARCHAR(64) NOT NULL,

    CONSTRAINT "token_scopes_pkey" PRIMARY KEY ("token_guid","scope_name")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "user_scopes_scope_name_idx" ON "user_scopes"("scope_name");

-- CreateIndex
CREATE INDEX "tokens_user_id_created_at_idx" ON "tokens"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "tokens_user_id_name_idx" ON "tokens"("user_id", "name");

-- CreateIndex
CREATE INDEX "tokens_user_id_last_used_at_idx" ON "tokens"("user_id", "last_used_at");

-- CreateIndex
CREATE INDEX "tokens_user_id_valid_to_idx" ON "tokens"("user_id", "valid_to");

-- CreateIndex
CREATE INDEX "tokens_user_id_revoked_at_valid_from_idx" ON "tokens"("user_id", "revoked_at", "valid_from");

-- CreateIndex
CREATE INDEX "tokens_name_trgm_idx" ON "tokens" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "token_secrets_token_guid_idx" ON "token_secrets"("token_guid");

-- CreateIndex
CREATE INDEX "token_scopes_scope_name_token_guid_idx" ON "token_scopes"("scope_name", "token_guid");

-- AddForeignKey
ALTER TABLE "user_scopes" ADD CONSTRAINT "user_scopes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_scopes" ADD CONSTRAINT "user_scopes_scope_name_fkey" FOREIGN KEY ("scope_name") REFERENCES "scopes"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "token_secrets" ADD CONSTRAINT "token_secrets_token_guid_fkey" FOREIGN KEY ("token_guid") REFERENCES "tokens"("guid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "token_scopes" ADD CONSTRAINT "token_scopes_token_guid_fkey" FOREIGN KEY ("token_guid") REFERENCES "tokens"("guid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "token_scopes" ADD CONSTRAINT "token_scopes_scope_name_fkey" FOREIGN KEY ("scope_name") REFERENCES "scopes"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- Seed the scope catalogue. Kept in a migration so every database starts with the same catalogue.
INSERT INTO "scopes" ("name", "description") VALUES
    ('tokens:read', 'List and view your API tokens'),
    ('tokens:write', 'Create, edit, revoke, rotate and delete your API tokens'),
    ('tokens:introspect', 'Ask whether another token is active (for services that accept Tollgate tokens)')
ON CONFLICT ("name") DO NOTHING;
