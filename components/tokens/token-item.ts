import type { TokenView } from "@/lib/tokens/service";
import type { TokenItem } from "./types";

export function toTokenItem(view: TokenView): TokenItem {
  return {
    guid: view.guid,
    name: view.name,
    description: view.description,
    partial: view.partial,
    scopes: view.scopes,
    validFrom: view.validFrom.toISOString(),
    validTo: view.validTo?.toISOString() ?? null,
    revokedAt: view.revokedAt?.toISOString() ?? null,
    createdAt: view.createdAt.toISOString(),
    lastUsedAt: view.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: view.lastUsedIp,
    lastUsedUserAgent: view.lastUsedUserAgent,
    status: view.status,
    previousSecretExpiresAt: view.previousSecretExpiresAt?.toISOString() ?? null,
  };
}
