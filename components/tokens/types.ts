import type { FieldErrors } from "@/lib/errors";
import type { TokenStatus } from "@/lib/tokens/status";

/** A token as the page's components see it: the service's view with dates as ISO strings. */
export type TokenItem = {
  guid: string;
  name: string;
  description: string;
  partial: string;
  scopes: string[];
  validFrom: string;
  validTo: string | null;
  revokedAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  status: TokenStatus;
  /** Until when the secret replaced by the last rotation still works; null when no overlap is in force. */
  previousSecretExpiresAt: string | null;
};

export type ActionFailure = {
  ok: false;
  error: string;
  fieldErrors?: FieldErrors;
  /** The token no longer exists: the refreshed list drops its row, and any dialog the row had open. */
  gone?: boolean;
};
export type ActionResult<T extends object = object> = ({ ok: true } & T) | ActionFailure;

/** What creation and rotation answer: the only moment the secret exists outside the caller's program. */
export type SecretResult = ActionResult<{ token: TokenItem; secret: string }>;
export type TokenResult = ActionResult<{ token: TokenItem }>;

/**
 * The server actions of the token page, handed to its client components as props so the
 * components can be rendered (and tested) with any function of the same shape.
 */
export type TokenActions = {
  create: (input: unknown) => Promise<SecretResult>;
  update: (guid: string, input: unknown) => Promise<TokenResult>;
  revoke: (guid: string) => Promise<TokenResult>;
  rotate: (guid: string, input: unknown) => Promise<SecretResult>;
  remove: (guid: string) => Promise<ActionResult>;
  /** Stops the secret a rotation replaced at once, instead of at the end of the overlap. */
  endOverlap: (guid: string) => Promise<TokenResult>;
};

export type ScopeOption = { name: string; description: string };
