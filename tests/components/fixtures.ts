import type { ScopeOption, TokenActions, Token } from "@/components/tokens/types";
import { BUILT_IN_SCOPES } from "@/lib/scopes/built-in";
import { tokenSchema } from "@/lib/tokens/contract";

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export const SCOPES: ScopeOption[] = (["tokens:read", "tokens:write"] as const).map((name) => ({ name, description: BUILT_IN_SCOPES[name].description }));

let counter = 0;

/**
 * An active token created a month ago, never used; override what a test is about. Checked
 * against the contract, so a fixture cannot hold a token the server would never send.
 */
export function tokenItem(overrides: Partial<Token> = {}): Token {
  counter += 1;
  const monthAgo = new Date(Date.now() - 30 * DAY).toISOString();
  return tokenSchema.parse({
    guid: `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    name: `Token ${counter}`,
    description: "",
    partial: "tgp_AbCd…9xYz",
    scopes: ["tokens:read"],
    validFrom: monthAgo,
    validTo: null,
    revokedAt: null,
    revokedBy: null,
    revocationReason: null,
    createdAt: monthAgo,
    updatedAt: monthAgo,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUserAgent: null,
    status: "active",
    previousSecretExpiresAt: null,
    ...overrides,
  } satisfies Token);
}

/**
 * Actions for components whose test does not exercise them. Each one answers like the server
 * would for a token that is gone, so an unexpected call shows up as an error, not a success.
 */
export function unusedActions(): TokenActions {
  const gone = async () => ({ ok: false as const, error: "Token not found. It may have been deleted." });
  return { create: gone, update: gone, revoke: gone, rotate: gone, endOverlap: gone, remove: gone };
}

/** A datetime-local value `hours` from now, in the test's time zone. */
export function localInputIn(hours: number): string {
  const date = new Date(Date.now() + hours * HOUR);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
