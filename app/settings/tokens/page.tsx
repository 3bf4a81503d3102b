import type { Metadata } from "next";
import { requireUser } from "@/lib/session";
import { scopesHeldBy } from "@/lib/scopes/service";
import { serializeToken, type TokenActions } from "@/lib/tokens/contract";
import { expiringSoon } from "@/lib/tokens/expiring";
import { getToken, listTokens } from "@/lib/tokens/service";
import { NotFoundError } from "@/lib/errors";
import { getPolicies } from "@/lib/policies/service";
import { TOKENS_PATH } from "@/lib/paths";
import { DEFAULT_TOKEN_LIST_QUERY, ignoredFilters, isFiltered, tokenListQueryFromSearchParams } from "@/lib/validation/token-list";
import { TokensView } from "@/components/tokens/tokens-view";
import { createTokenAction, deleteTokenAction, endOverlapAction, revokeTokenAction, rotateTokenAction, updateTokenAction } from "./actions";

export const metadata: Metadata = { title: "API tokens" };

const actions: TokenActions = {
  create: createTokenAction,
  update: updateTokenAction,
  revoke: revokeTokenAction,
  rotate: rotateTokenAction,
  endOverlap: endOverlapAction,
  remove: deleteTokenAction,
};

export default async function TokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser(TOKENS_PATH);
  const params = await searchParams;
  const query = tokenListQueryFromSearchParams(params);
  const now = new Date();
  const [page, scopes, policies, expiring, similar] = await Promise.all([
    listTokens(user.id, query, now),
    scopesHeldBy(user.id),
    getPolicies(),
    expiringSoon(user.id, now),
    similarTo(user.id, params.similar, now),
  ]);
  // An empty filtered list says "no match" to someone with tokens, and "create your first" to someone without.
  const hasTokens =
    page.total > 0 || (isFiltered(query) && (await listTokens(user.id, { ...DEFAULT_TOKEN_LIST_QUERY, perPage: 10 }, now)).total > 0);

  return (
    <TokensView
      tokens={page.tokens.map(serializeToken)}
      total={page.total}
      totalIsExact={page.totalIsExact}
      pageCount={page.pageCount}
      hasNextPage={page.hasNextPage}
      query={query}
      hasTokens={hasTokens}
      scopes={scopes}
      actions={actions}
      notices={ignoredFilters(params)}
      expiring={{ total: expiring.total, tokens: expiring.tokens.map((t) => ({ ...t, validTo: t.validTo.toISOString() })) }}
      similar={similar}
      now={now}
      policies={{ maxTokenLifetimeDays: policies.maxTokenLifetimeDays, maxRotationOverlapSeconds: policies.maxRotationOverlapSeconds }}
    />
  );
}

/** `?similar=<guid>`: the person's own token to start a new one from; anything else (another's, none, malformed) is ignored, unsaid. */
async function similarTo(userId: string, guid: string | string[] | undefined, now: Date) {
  if (typeof guid !== "string") return null;
  try {
    return serializeToken(await getToken(userId, guid, now));
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
