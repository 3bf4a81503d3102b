import type { FieldErrors } from "@/lib/errors";

/** What every server action answers: plain data the client component renders (never thrown). */
export type ActionFailure = {
  ok: false;
  error: string;
  fieldErrors?: FieldErrors;
  /** What the action was about no longer exists: the refreshed page drops it, and any dialog it had open. */
  gone?: boolean;
};
export type ActionResult<T extends object = object> = ({ ok: true } & T) | ActionFailure;
