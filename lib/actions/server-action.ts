import "server-only";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import type { PersonActor } from "@/lib/audit/events";
import { clientOf, type Client } from "@/lib/client";
import { ConflictError, NotFoundError, PolicyViolationError, TooManyAttemptsError, ValidationError, isDatabaseUnavailable } from "@/lib/errors";
import { currentSession, type CurrentSession } from "@/lib/session";
import type { ActionFailure, ActionResult } from "./result";

/** What differs between the pages whose actions share the skeleton below. */
export type ActionPage = {
  /** Named in the server's log: "Token action", "Account action". */
  label: string;
  /** Refreshed after a success, and after a NotFoundError or ConflictError (the page showed something that changed elsewhere). */
  path: string;
  signedOut: string;
  /** What a NotFoundError says; the answer carries `gone` so the client drops the stale item. */
  notFound: string;
  /** Administrators' actions: anyone else is answered as if the action did not exist. */
  adminOnly?: boolean;
};

const NOT_AN_ACTION = "Not found.";

/** Who calls: their session, and where from, for the record of what they do (`actor`). */
export type ActionCaller = CurrentSession & { client: Client; actor: PersonActor };

/**
 * The one skeleton of a server action: anyone can call one with any arguments, so it checks the
 * caller's live session itself, runs `body` for that person, and turns the domain's expected
 * errors into an ActionFailure (anything else is logged, never shown).
 */
export function serverActions(page: ActionPage) {
  return async function run<T extends object>(action: string, body: (caller: ActionCaller) => Promise<T>): Promise<ActionResult<T>> {
    const session = await currentSession();
    if (page.adminOnly && !session?.user.isAdmin) return { ok: false, error: NOT_AN_ACTION };
    if (!session) return { ok: false, error: page.signedOut };
    try {
      const client = clientOf(await headers());
      const result = await body({ ...session, client, actor: { userId: session.user.id, email: session.user.email, client } });
      revalidatePath(page.path);
      return { ok: true, ...result } as ActionResult<T>;
    } catch (error) {
      return failure(page, action, error);
    }
  };
}

function failure(page: ActionPage, action: string, error: unknown): ActionFailure {
  if (error instanceof ValidationError) return { ok: false, error: "Some fields need attention.", fieldErrors: error.fieldErrors };
  if (error instanceof TooManyAttemptsError) return { ok: false, error: error.message };
  if (error instanceof NotFoundError) {
    revalidatePath(page.path);
    return { ok: false, error: page.notFound, gone: true };
  }
  if (error instanceof ConflictError) {
    revalidatePath(page.path);
    return { ok: false, error: error.message };
  }
  if (error instanceof PolicyViolationError) {
    return { ok: false, error: error.message, ...(error.field && { fieldErrors: { [error.field]: [error.message] } }) };
  }
  if (isDatabaseUnavailable(error)) {
    console.error(`${page.label} "${action}": the database is unavailable:`, error);
    return { ok: false, error: "Tollgate cannot reach its database right now. Please try again in a moment." };
  }
  console.error(`${page.label} "${action}" failed unexpectedly:`, error);
  return { ok: false, error: "Something went wrong on our side. Please try again." };
}
