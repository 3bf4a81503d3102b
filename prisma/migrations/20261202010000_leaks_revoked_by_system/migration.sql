-- Revocations nobody with an account made (a leak report; the stale-token policy may use it too),
-- so that the owner is not told an administrator did it. revocation_reason says why.
ALTER TABLE "tokens" ADD COLUMN "revoked_by_system" BOOLEAN NOT NULL DEFAULT false;
