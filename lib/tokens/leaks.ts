import "server-only";
import { randomUUID } from "node:crypto";
import { AttemptLimiter } from "@/lib/attempt-limiter";
import { recordEvent, type EventActor } from "@/lib/audit/events";
import type { Client } from "@/lib/client";
import { apiConfig, config } from "@/lib/config";
import { prisma } from "@/lib/db";
import { ValidationError, fieldErrorsOf } from "@/lib/errors";
import { leakedMessage } from "@/lib/notifications/messages";
import { notify } from "@/lib/notifications/notify";
import { leakReportSchema, type LeakReportInput } from "@/lib/validation/leak-reports";
import { tokenChanged } from "./events";
import { withdrawReminders } from "./reminders";
import { hashSecret, isWellFormedSecret } from "./secret";
import { statusOf } from "./status";

/**
 * Leaked secrets reported by anyone who finds them (POST /api/v1/credentials/revoke), as GitHub's
 * credential revocation API takes them. The answer depends on the request alone: the report is
 * worked through after it, so neither its words nor its timing say whether any secret was real
 * (docs/security.md, "Leaked secrets reported by anyone").
 */
export const LEAK_REVOCATION_REASON = "Reported as leaked";
const REPORT_WINDOW_SECONDS = 60 * 60;
const USER_AGENT_MAX = 256;

const holder = globalThis as unknown as { tollgateLeakReports?: AttemptLimiter; tollgateLeakWork?: Set<Promise<void>> };
const pending = (holder.tollgateLeakWork ??= new Set());

function limiter(): AttemptLimiter {
  return (holder.tollgateLeakReports ??= new AttemptLimiter(apiConfig().credentialReportLimit, REPORT_WINDOW_SECONDS));
}

/**
 * Counts a report from this address and answers 0, or the seconds to wait when the address has
 * sent its hour's reports already (then nothing is counted). Checked before the body is read:
 * every request counts, well-formed or not.
 */
export function takeReportAllowance(client: Client): number {
  const wait = limiter().blockedSeconds(client.key);
  if (wait > 0) return wait;
  limiter().record(client.key);
  return 0;
}

export function parseLeakReport(input: unknown): LeakReportInput {
  const parsed = leakReportSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  return parsed.data;
}

/**
 * Accepts a report (ValidationError for a body of the wrong shape) and answers what it held; the
 * work is done after the answer, tracked so that shutdown and tests can wait for it.
 */
export function submitLeakReport(input: unknown, client: Client, now = new Date()): { received: number } {
  const report = parseLeakReport(input);
  const work = processLeakReport(report, client, now)
    .then(() => undefined)
    .catch((error) => console.error("Could not process a leaked-credential report:", error))
    .finally(() => pending.delete(work));
  pending.add(work);
  return { received: report.credentials.length };
}

/** Resolves once every report accepted so far has been worked through (shutdown, tests). */
export async function leakReportsProcessed(): Promise<void> {
  await Promise.all([...pending]);
}

export type LeakReportResult = { reportId: string; revoked: string[] };

/**
 * One report in one transaction: each real token whose secret still works and that has not ended
 * (active, or scheduled: it must never start) is revoked with the reason, recorded as
 * `token.reported_leaked` and its owner told; the report is recorded with its counts, never its
 * secrets. Every well-formed secret is hashed and looked up alike, in one query.
 */
export async function processLeakReport(report: LeakReportInput, client: Client, now = new Date()): Promise<LeakReportResult> {
  const { tokenHashKey } = config();
  const hashes = [...new Set(report.credentials)].filter(isWellFormedSecret).map((secret) => hashSecret(secret, tokenHashKey));
  const source = report.source ?? null;
  const reportId = randomUUID();
  const actor: EventActor = { kind: "system", client };
  const db = await prisma();
  const revoked = await db.$transaction(async (tx) => {
    const found = hashes.length
      ? await tx.tokenSecret.findMany({
          where: { hash: { in: hashes } },
          select: { expiresAt: true, token: { select: { guid: true, userId: true, name: true, validFrom: true, validTo: true, revokedAt: true, user: { select: { email: true } } } } },
        })
      : [];
    // A secret a rotation replaced works until its overlap ends; after that it revokes nothing. Two secrets of one token revoke it once.
    const candidates = new Map<string, (typeof found)[number]["token"]>();
    for (const { expiresAt, token } of found) {
      if (expiresAt && expiresAt.getTime() <= now.getTime()) continue;
      const status = statusOf(token, now);
      if (status === "active" || status === "scheduled") candidates.set(token.guid, token);
    }
    const ended: string[] = [];
    for (const token of [...candidates.values()].sort((a, b) => a.guid.localeCompare(b.guid))) {
      // Only the revocation that ends the token tells anyone: a concurrent one (a second report, the owner) finds it ended.
      const { count } = await tx.token.updateMany({
        where: { guid: token.guid, revokedAt: null },
        data: { revokedAt: now, validTo: now, revokedById: null, revokedBySystem: true, revocationReason: LEAK_REVOCATION_REASON },
      });
      if (!count) continue;
      await recordEvent(tx, actor, { action: "token.reported_leaked", targetUser: token.userId, targetToken: token.guid, details: { name: token.name, reportId, source } }, now);
      await notify(tx, { id: token.userId, email: token.user.email }, leakedMessage(token, source), { dedupeKey: `token.leaked:${token.guid}` }, now);
      await withdrawReminders(tx, { userId: token.userId, tokenGuid: token.guid }, now);
      ended.push(token.guid);
    }
    await tx.leakReport.create({
      data: {
        id: reportId,
        receivedAt: now,
        ip: client.address,
        userAgent: client.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
        source,
        submitted: report.credentials.length,
        revoked: ended.length,
      },
    });
    return ended;
  });
  // This instance's cache forgets them now; the others hear the tokens table's NOTIFY on commit.
  for (const guid of revoked) await tokenChanged(guid);
  return { reportId, revoked };
}
