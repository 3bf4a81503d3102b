import "server-only";
import { prisma } from "@/lib/db";

/**
 * Who has asked about what: the pairs (service token, introspected token) that the change feed
 * (lib/tokens/change-feed.ts) reads to tell a service about the tokens it knows and no others.
 * Written by introspection, read by whichever instance holds the service's feed, so in the
 * database; an in-process set keeps it to one write per pair per instance (and a refresh a day,
 * so that a pair in use is never pruned as idle). docs/architecture.md, "Change feed".
 */
const REMEMBERED = 50_000;
const REFRESH_MS = 24 * 3600_000;

// On globalThis, as the verification cache is: one set per process whatever the bundler does.
const holder = globalThis as unknown as { tollgateIntrospectedPairs?: Map<string, number> };
const recorded = (holder.tollgateIntrospectedPairs ??= new Map<string, number>());

/**
 * Notes that `serviceGuid` is being told about `token`: null when this instance has written the
 * pair lately (the hot path: a map lookup), else the write, after which the caller must read the
 * token afresh, since a change committed before the write may not reach the service's feed.
 */
export function noteIntrospected(serviceGuid: string, token: { guid: string; userId: string }, now: Date): Promise<void> | null {
  const key = serviceGuid + token.guid;
  const at = recorded.get(key);
  if (at !== undefined && now.getTime() - at < REFRESH_MS) return null;
  return write(key, serviceGuid, token, now);
}

async function write(key: string, serviceGuid: string, token: { guid: string; userId: string }, now: Date): Promise<void> {
  const db = await prisma();
  await db.$executeRaw`
    INSERT INTO introspected_tokens (service_token_guid, token_guid, user_id, introspected_at)
    VALUES (${serviceGuid}::uuid, ${token.guid}::uuid, ${token.userId}::uuid, ${now})
    ON CONFLICT (service_token_guid, token_guid) DO UPDATE SET introspected_at = EXCLUDED.introspected_at`;
  recorded.delete(key);
  recorded.set(key, now.getTime());
  // Oldest written first out: forgetting a pair costs one more idempotent write, never a lost event.
  if (recorded.size > REMEMBERED) recorded.delete(recorded.keys().next().value!);
}

export type AffectedPair = { service: string; token: string };

/**
 * Of the pairs whose service is one of `services`, those naming one of `tokens` or a token owned by
 * one of `users` (owners are stored, so a deleted account's tokens are still found).
 */
export async function pairsAffected(services: string[], tokens: string[], users: string[]): Promise<AffectedPair[]> {
  if (services.length === 0 || (tokens.length === 0 && users.length === 0)) return [];
  const db = await prisma();
  return db.$queryRaw<AffectedPair[]>`
    SELECT service_token_guid::text AS service, token_guid::text AS token FROM introspected_tokens
    WHERE service_token_guid = ANY(${services}::uuid[])
      AND (token_guid = ANY(${tokens}::uuid[]) OR user_id = ANY(${users}::uuid[]))`;
}
