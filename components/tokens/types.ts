import type { ActionResult } from "@/lib/actions/result";
import type { SecretResult, TokenResult } from "@/lib/tokens/contract";

// Declared in lib/ beside the server code that produces them; re-exported for the components' imports.
export type { Token, SecretResult, TokenResult } from "@/lib/tokens/contract";
export type { ActionFailure, ActionResult } from "@/lib/actions/result";

/**
 * The server actions of the token page, handed to its client components as props so the
 * components can be rendered (and tested) with any function of the same shape.
 */
export type TokenActions = {
  create: (input: unknown) => Promise<SecretResult>;
  update: (guid: string, input: unknown) => Promise<TokenResult>;
  revoke: (guid: string) => Promise<TokenResult>;
  rotate: (guid: string, input: unknown) => Promise<SecretResult>;
  endOverlap: (guid: string) => Promise<TokenResult>;
  remove: (guid: string) => Promise<ActionResult>;
};

export type ScopeOption = { name: string; description: string };
