// Declared in lib/ beside the server code that produces them; re-exported for the components' imports.
export type { Token, SecretResult, TokenResult, TokenActions } from "@/lib/tokens/contract";
export type { ActionFailure, ActionResult } from "@/lib/actions/result";

export type ScopeOption = { name: string; description: string };
