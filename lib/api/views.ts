import "server-only";
import type { z } from "zod";
import { serializeToken, type tokenWithSecretSchema } from "@/lib/tokens/contract";
import type { TokenPage, TokenWithSecret } from "@/lib/tokens/service";
import type { VerifiedToken } from "@/lib/tokens/verify";
import type { InventoryPage } from "@/lib/admin/token-inventory";
import type { PoliciesChange } from "@/lib/policies/service";
import type { TokenAddressView, TokenUsageView } from "@/lib/tokens/activity";
import type { introspectionSchema, inventoryPageSchema, meSchema, policiesChangeSchema, tokenPageSchema, tokenUsageSchema } from "./schemas";

/** Domain values as the API shows them, timestamps in ISO 8601; the token itself is the contract's (serializeToken). */
const iso = (date: Date | null) => date?.toISOString() ?? null;
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function tokenWithSecretView({ token, secret }: TokenWithSecret): z.input<typeof tokenWithSecretSchema> {
  return { token: serializeToken(token), secret };
}

export function tokenPageView(page: TokenPage): z.input<typeof tokenPageSchema> {
  return { ...page, tokens: page.tokens.map(serializeToken) };
}

export function inventoryPageView(page: InventoryPage): z.input<typeof inventoryPageSchema> {
  return { ...page, tokens: page.tokens.map(({ owner, breaksPolicy, ...token }) => ({ ...serializeToken(token), owner, breaksPolicy })) };
}

export function meView(token: VerifiedToken): z.input<typeof meSchema> {
  return {
    token: {
      guid: token.guid,
      name: token.name,
      scopes: [...token.scopes], // the cache's shared list is frozen
      validFrom: token.validFrom.toISOString(),
      validTo: iso(token.validTo),
      createdAt: token.createdAt.toISOString(),
    },
    owner: { id: token.userId, email: token.userEmail, name: token.userName },
  };
}

function endOf({ validTo, secretExpiresAt }: VerifiedToken): Date | null {
  if (!validTo || !secretExpiresAt) return validTo ?? secretExpiresAt;
  return validTo.getTime() <= secretExpiresAt.getTime() ? validTo : secretExpiresAt;
}

export function introspectionView(token: VerifiedToken | null): z.input<typeof introspectionSchema> {
  if (!token) return { active: false };
  return {
    active: true,
    scope: token.scopes.join(" "),
    client_id: token.guid,
    guid: token.guid,
    username: token.userEmail,
    sub: token.userId,
    token_type: "Bearer",
    iat: epochSeconds(token.createdAt),
    nbf: epochSeconds(token.validFrom),
    // A secret replaced by rotation stops at the end of its overlap, which may come before the token's end.
    ...(endOf(token) && { exp: epochSeconds(endOf(token)!) }),
  };
}

export function policiesChangeView({ policies, breaches }: PoliciesChange): z.input<typeof policiesChangeSchema> {
  return { ...policies, breakingTokens: breaches };
}

export function tokenUsageView(usage: TokenUsageView, addresses: TokenAddressView[]): z.input<typeof tokenUsageSchema> {
  const bucket = ({ start, ...counts }: TokenUsageView["hourly"][number]) => ({ start: start.toISOString(), ...counts });
  return {
    hourly: usage.hourly.map(bucket),
    daily: usage.daily.map(bucket),
    totals: usage.totals,
    sources: usage.sources,
    addresses: addresses.map((a) => ({ ...a, firstSeenAt: a.firstSeenAt.toISOString(), lastSeenAt: a.lastSeenAt.toISOString() })),
  };
}
