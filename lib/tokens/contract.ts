import { z } from "@/lib/validation/zod";
import type { ActionResult } from "@/lib/actions/result";
import { TOKEN_STATUSES } from "./status";

/**
 * The token as it leaves the server, declared once: the API's answers, the server actions'
 * results, the page's components, the OpenAPI document and the test fixtures all use this
 * schema or the types inferred from it, and `serializeToken` is the one mapping into it.
 * It lives here rather than in lib/api/ because the page uses it as much as the API does;
 * nothing in it may be server-only (client components import its types).
 */

const timestamp = z.iso.datetime().meta({ example: "2030-01-31T12:00:00.000Z" });
const guid = z.uuid().meta({ description: "The token's public identifier.", example: "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f" });

export const tokenStatusSchema = z
  .enum(TOKEN_STATUSES)
  .meta({ id: "TokenStatus", description: "active, or why the token is inactive (scheduled: its validity has not started)." });

export const tokenSchema = z
  .object({
    guid,
    name: z.string(),
    description: z.string(),
    partial: z.string().meta({ description: "The prefix and a few characters of the secret, to recognise it by.", example: "tgp_4fQz…Xk2P" }),
    scopes: z.array(z.string()).meta({ description: "The scopes given to the token (what it may do is these ∩ what its owner holds now)." }),
    status: tokenStatusSchema,
    validFrom: timestamp,
    validTo: timestamp.nullable().meta({ description: "null: never expires." }),
    revokedAt: timestamp.nullable(),
    revokedBy: z
      .enum(["owner", "administrator", "system"])
      .nullable()
      .meta({
        description:
          "Who revoked the token: its owner, an administrator, or Tollgate itself (a leak report); for the last two revocationReason says why; null: not revoked.",
      }),
    revocationReason: z
      .string()
      .nullable()
      .meta({ description: "Why an administrator or Tollgate revoked the token (\"Reported as leaked\"); null otherwise." }),
    createdAt: timestamp,
    updatedAt: timestamp,
    lastUsedAt: timestamp.nullable().meta({ description: "null: never used. Updated at most once a minute." }),
    lastUsedIp: z.string().nullable(),
    lastUsedUserAgent: z.string().nullable(),
    previousSecretExpiresAt: timestamp.nullable().meta({
      description:
        "Until when the secret replaced by a rotation with overlapSeconds > 0 still works (never later than validTo); " +
        "null: only the current secret works. POST /api/v1/tokens/{guid}/end-overlap ends the overlap at once.",
    }),
  })
  .meta({ id: "Token" });

export type Token = z.infer<typeof tokenSchema>;

export const tokenWithSecretSchema = z
  .object({
    token: tokenSchema,
    secret: z.string().meta({
      description: "The secret to send as `Authorization: Bearer <secret>`. Shown only in this response; store it now.",
      example: "tgp_4fQzR8vWm2LbT9yH3nK6cJ1pXs7dGe0aXk2P",
    }),
  })
  .meta({ id: "TokenWithSecret" });

/** The contract's instants; on the server they are Dates until serializeToken writes them as ISO 8601. */
const INSTANTS = ["validFrom", "validTo", "revokedAt", "createdAt", "updatedAt", "lastUsedAt", "previousSecretExpiresAt"] as const satisfies readonly (keyof Token)[];
type Instant = (typeof INSTANTS)[number];

/** The token as the server computes with it: the contract, with Dates for its instants. */
export type TokenView = { [K in keyof Token]: K extends Instant ? (null extends Token[K] ? Date | null : Date) : Token[K] };

export function serializeToken(view: TokenView): Token {
  const token: Record<string, unknown> = { ...view };
  for (const field of INSTANTS) token[field] = view[field]?.toISOString() ?? null;
  return token as Token;
}

/** What the token page's server actions answer. Creation and rotation are the only moments a secret exists outside the caller's program. */
export type SecretResult = ActionResult<z.infer<typeof tokenWithSecretSchema>>;
export type TokenResult = ActionResult<{ token: Token }>;

/** The token page's server actions as its client components receive them (props, so tests can pass their own). */
export type TokenActions = {
  create: (input: unknown) => Promise<SecretResult>;
  update: (guid: string, input: unknown) => Promise<TokenResult>;
  revoke: (guid: string) => Promise<TokenResult>;
  rotate: (guid: string, input: unknown) => Promise<SecretResult>;
  endOverlap: (guid: string) => Promise<TokenResult>;
  remove: (guid: string) => Promise<ActionResult>;
};
