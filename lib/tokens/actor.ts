import { personEventActor, type EventActor, type PersonActor } from "@/lib/audit/events";
import type { Client } from "@/lib/client";
import { BeyondCallerError, type FieldErrors } from "@/lib/errors";

/**
 * Who changes tokens, and how far they may go. A person (the token page, acting for whoever is
 * signed in, with the request's client; scripts, by a bare user id) has all of their grants. An
 * API token acts for its owner but only within itself: it cannot hand out, or reach, more than it
 * holds, so a leaked short-lived token cannot mint a broader or longer-lived one. See
 * docs/security.md. Either way the record of the change names them (lib/audit/events.ts).
 */
export type Actor = string | PersonActor | TokenActor;

export type TokenActor = {
  userId: string;
  /** The calling token, named in the record of what it did. */
  guid: string;
  /** The calling token's scopes as verified (already narrowed to its owner's grants then). */
  scopes: readonly string[];
  /** Its end; null when it never expires. */
  validTo: Date | null;
  email?: string | null;
  client?: Client | null;
};

export function isTokenActor(actor: Actor): actor is TokenActor {
  return typeof actor !== "string" && "scopes" in actor;
}

export function ownerOf(actor: Actor): string {
  return typeof actor === "string" ? actor : actor.userId;
}

/** The actor as the record of the change keeps it. */
export function eventActorOf(actor: Actor): EventActor {
  if (!isTokenActor(actor)) return personEventActor(actor);
  return { kind: "token", userId: actor.userId, tokenGuid: actor.guid, label: actor.email ?? null, client: actor.client ?? null };
}

/** A calling token's reach: its effective scopes (its own ∩ its owner's grants now) and its end. */
export type Reach = { scopes: ReadonlySet<string>; validTo: Date | null };

export function reachOf(actor: TokenActor, held: readonly string[]): Reach {
  const grants = new Set(held);
  return { scopes: new Set(actor.scopes.filter((s) => grants.has(s))), validTo: actor.validTo };
}

const iso = (date: Date) => date.toISOString();
const plural = (scopes: string[]) => `${scopes.length === 1 ? "the scope" : "the scopes"} ${scopes.join(", ")}`;

/** Whether a token ending at `validTo` (null: never) would outlive the caller. */
function outlives(reach: Reach, validTo: Date | null): boolean {
  return reach.validTo !== null && (validTo === null || validTo.getTime() > reach.validTo.getTime());
}

/**
 * What a token creates, or what a token becomes by an edit, must end no later than the caller
 * does: problems with values the client can correct, so field errors (400) under their names.
 */
export function lifetimeProblems(reach: Reach, window: { validFrom: Date | null; validTo: Date | null }): FieldErrors {
  const end = reach.validTo;
  if (!end) return {};
  const problems: FieldErrors = {};
  if (outlives(reach, window.validTo)) {
    problems.validTo = [
      window.validTo === null
        ? `The token making this request expires at ${iso(end)}, so the tokens it creates or edits must too: give a validTo no later than that.`
        : `Valid to can be no later than ${iso(end)}, when the token making this request expires.`,
    ];
  }
  if (window.validFrom && window.validFrom.getTime() >= end.getTime()) {
    problems.validFrom = [`Valid from must be before ${iso(end)}, when the token making this request expires.`];
  }
  return problems;
}

/** ...and may carry only scopes the caller has itself (403: the caller, not the value, falls short). */
export function assertScopesWithin(reach: Reach, scopes: readonly string[]): void {
  const missing = scopes.filter((s) => !reach.scopes.has(s));
  if (missing.length) {
    throw new BeyondCallerError(`A token can give only scopes it has itself; this one lacks ${plural(missing)}.`, { scopes: missing });
  }
}

/**
 * A token may edit, rotate or delete only a token it could have created: one whose scopes it
 * holds and which ends no later than it does. Rotating a broader one would hand the caller a
 * broader secret; editing one would let it reshape a token it could not make. The caller itself
 * passes, unless it lists a scope its owner has withdrawn since (and could grant back).
 */
export function assertReachable(reach: Reach, target: { scopes: readonly string[]; validTo: Date | null }, action: string): void {
  const missing = target.scopes.filter((s) => !reach.scopes.has(s));
  if (missing.length) {
    throw new BeyondCallerError(`This token cannot ${action} a token with ${plural(missing)}, which it does not have itself.`, { scopes: missing });
  }
  if (reach.validTo && outlives(reach, target.validTo)) {
    throw new BeyondCallerError(
      `This token cannot ${action} a token that ${target.validTo ? `lasts until ${iso(target.validTo)}` : "never expires"}: ` +
        `it expires itself at ${iso(reach.validTo)}.`,
      { validTo: reach.validTo },
    );
  }
}

