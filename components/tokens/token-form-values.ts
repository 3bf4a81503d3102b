import { fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { browserTimePrefs, formatDateTime } from "@/lib/time-format";
import { latestValidTo, plural, type Policies } from "@/lib/policies/rules";
import { TOKEN_NAME_MAX, createTokenSchema, tokenFieldsSchema, validityProblems } from "@/lib/validation/tokens";
import { newGuid } from "./guid";
import type { Token } from "./types";

/** How long a new (or rotated) token works; "custom" reads the date picker, "never" has no end. */
export const EXPIRY_CHOICES = [
  { value: "7d", label: "7 days", days: 7 },
  { value: "30d", label: "30 days", days: 30 },
  { value: "60d", label: "60 days", days: 60 },
  { value: "90d", label: "90 days", days: 90 },
  { value: "1y", label: "1 year", days: null },
  { value: "custom", label: "A date of my choice", days: null },
  { value: "never", label: "No expiry", days: null },
] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];
export const DEFAULT_EXPIRY: ExpiryChoice = "30d";
export const NO_EXPIRY_WARNING =
  "A token that never expires is a standing risk: if it leaks, it works until someone notices and revokes it.";

/**
 * The end a choice gives a token starting at `start`: days are whole 24-hour days, a year is the
 * same date and time a year on. Undefined for "custom", whose end is the picker's.
 */
export function expiryEnd(choice: ExpiryChoice, start: Date): Date | null | undefined {
  if (choice === "never") return null;
  if (choice === "custom") return undefined;
  if (choice === "1y") {
    const end = new Date(start);
    end.setFullYear(end.getFullYear() + 1);
    return end;
  }
  const days = EXPIRY_CHOICES.find((c) => c.value === choice)!.days!;
  return new Date(start.getTime() + days * 24 * 3600_000);
}

/** The policies the token page follows (the active-token count is the server's alone). */
export type TokenPolicies = Pick<Policies, "maxTokenLifetimeDays" | "maxRotationOverlapSeconds">;
export const NO_TOKEN_POLICIES: TokenPolicies = { maxTokenLifetimeDays: null, maxRotationOverlapSeconds: null };

export const lifetimeNote = (days: number) => `Your administrator limits tokens to ${plural(days, "day")}.`;

export const lifetimeProblem = (days: number, latest: Date) =>
  `${lifetimeNote(days)} Choose a valid-to on or before ${formatDateTime(latest, browserTimePrefs())}.`;

/** The latest end the lifetime policy allows a window starting at `start` (null: none starts later than now); null without a limit. */
export function latestEnd(policies: TokenPolicies, start: Date | null, now: Date): Date | null {
  return policies.maxTokenLifetimeDays === null ? null : latestValidTo(policies.maxTokenLifetimeDays, start, now);
}

/**
 * The choices that end by `latest` for a token starting at `start` (all of them without a limit):
 * "No expiry" goes, and so does every preset that ends later. `keep` stays listed whatever it is:
 * the edit dialog shows a token's own window, which an edit may leave as it is.
 */
export function expiryChoicesWithin(latest: Date | null, start: Date, keep?: ExpiryChoice) {
  if (!latest) return EXPIRY_CHOICES;
  return EXPIRY_CHOICES.filter((c) => {
    if (c.value === keep || c.value === "custom") return true;
    const end = expiryEnd(c.value, start);
    return end !== null && end !== undefined && end.getTime() <= latest.getTime();
  });
}

/** 30 days where allowed; otherwise the longest preset that is, or a date of one's choice when none is. */
export function defaultExpiry(latest: Date | null, start: Date): ExpiryChoice {
  const choices = expiryChoicesWithin(latest, start);
  if (choices.some((c) => c.value === DEFAULT_EXPIRY)) return DEFAULT_EXPIRY;
  return choices.filter((c) => c.value !== "custom").at(-1)?.value ?? "custom";
}

/**
 * The create/edit dialog's fields as the inputs hold them. The plain fields are the contract's;
 * the dates are datetime-local strings in the browser's zone ("" for none), not the contract's
 * instants, and `validTo` is the picker's value, used when `expiry` is "custom".
 */
export type TokenFormValues = Pick<Token, "guid" | "name" | "description" | "scopes"> & {
  validFrom: string;
  expiry: ExpiryChoice;
  validTo: string;
};

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as a datetime-local value ("2030-01-31T09:30") in the browser's time zone. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * A datetime-local value as an ISO instant. `new Date("2030-01-31T09:30")` reads it in the
 * browser's zone, which is what the person picked. A value that still shows the stored time
 * sends the stored instant itself, so an edit does not move it by the seconds the input cannot show.
 */
function toIso(local: string, stored: string | null | undefined): string {
  if (stored && toLocalInput(new Date(stored)) === local) return stored;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}

/** A new token's fields start empty, with the longest default expiry the lifetime policy allows; an edit's start as the token is. */
export function initialValues(token?: Token, policies: TokenPolicies = NO_TOKEN_POLICIES, now = new Date()): TokenFormValues {
  if (!token) {
    // One instant for the limit and the presets: a millisecond between two clocks would rule out the 30 days a 30-day limit allows.
    const latest = latestEnd(policies, null, now);
    const expiry = defaultExpiry(latest, now);
    // With no preset short enough, the custom date starts at the latest allowed (datetime-local drops the seconds, so it is within).
    const validTo = expiry === "custom" && latest ? toLocalInput(latest) : "";
    return { guid: newGuid(), name: "", description: "", scopes: [], validFrom: "", expiry, validTo };
  }
  return {
    guid: token.guid,
    name: token.name,
    description: token.description,
    scopes: token.scopes,
    validFrom: toLocalInput(new Date(token.validFrom)),
    expiry: token.validTo ? "custom" : "never",
    validTo: token.validTo ? toLocalInput(new Date(token.validTo)) : "",
  };
}

/** A similar token's name: the original's with " (new)", the original cut short where both would not fit. */
export function similarName(name: string): string {
  const suffix = " (new)";
  return `${name.slice(0, TOKEN_NAME_MAX - suffix.length).trimEnd()}${suffix}`;
}

/**
 * A new token's fields filled in like `token` ("Create a similar token"): its name with "(new)",
 * its description, the scopes of its that the person still holds, and the same lifetime — the
 * preset it matches, or a date as far from now as its end was from its start — within the policy.
 */
export function similarValues(token: Token, held: readonly string[], policies: TokenPolicies = NO_TOKEN_POLICIES, now = new Date()): TokenFormValues {
  const blank = initialValues(undefined, policies, now);
  const latest = latestEnd(policies, null, now);
  const allowed = expiryChoicesWithin(latest, now).map((c) => c.value);
  const start = new Date(token.validFrom);
  const end = token.validTo ? new Date(token.validTo) : null;
  const preset = EXPIRY_CHOICES.find((c) => c.value !== "custom" && (end ? expiryEnd(c.value, start)?.getTime() === end.getTime() : c.value === "never"));
  let lifetime: Pick<TokenFormValues, "expiry" | "validTo"> = { expiry: blank.expiry, validTo: blank.validTo };
  if (preset && allowed.includes(preset.value)) lifetime = { expiry: preset.value, validTo: "" };
  else if (end && !preset) {
    const same = new Date(now.getTime() + (end.getTime() - start.getTime()));
    lifetime = { expiry: "custom", validTo: toLocalInput(latest && same > latest ? latest : same) };
  }
  return {
    ...blank,
    name: similarName(token.name),
    description: token.description,
    scopes: token.scopes.filter((s) => held.includes(s)),
    ...lifetime,
  };
}

/** The valid-to the values stand for at `now`: an ISO instant, null for none, or the unparsable text typed. */
export function validToOf(values: Pick<TokenFormValues, "expiry" | "validTo" | "validFrom">, now: Date, token?: Token): string | null {
  if (values.expiry === "custom") return values.validTo ? toIso(values.validTo, token?.validTo) : null;
  const from = values.validFrom ? new Date(values.validFrom) : null;
  // A preset counts from the start, or from now for a token already (or about to be) valid.
  const start = from && !Number.isNaN(from.getTime()) && from > now ? from : now;
  return expiryEnd(values.expiry, start)?.toISOString() ?? null;
}

/**
 * What the dialog sends to the server action at `now`. Creating: an empty valid-from means "from
 * now". Editing: an empty valid-from keeps the stored one (it cannot be cleared). A custom date
 * left empty means "never expires", as "No expiry" does.
 */
export function payloadOf(values: TokenFormValues, now: Date, token?: Token): Record<string, unknown> {
  const common = {
    name: values.name,
    description: values.description,
    scopes: values.scopes,
    validTo: validToOf(values, now, token),
  };
  if (!token) return { ...common, guid: values.guid, validFrom: values.validFrom ? toIso(values.validFrom, null) : null };
  return values.validFrom ? { ...common, validFrom: toIso(values.validFrom, token.validFrom) } : common;
}

/**
 * Every reason the server would refuse this payload, found with the server's own rules, the
 * lifetime policy included (which an edit that leaves the window as it is does not meet).
 */
export function problemsOf(payload: Record<string, unknown>, now: Date, token?: Token, policies: TokenPolicies = NO_TOKEN_POLICIES): FieldErrors {
  const parsed = (token ? tokenFieldsSchema : createTokenSchema).safeParse(payload);
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  const dateOf = (value: unknown) => {
    const date = typeof value === "string" && value ? new Date(value) : null;
    return date && !Number.isNaN(date.getTime()) ? date : null;
  };
  const stored = token && { validFrom: new Date(token.validFrom), validTo: token.validTo ? new Date(token.validTo) : null };
  const window = { validFrom: dateOf(payload.validFrom) ?? stored?.validFrom ?? null, validTo: dateOf(payload.validTo) };
  for (const [field, messages] of Object.entries(validityProblems(window, now, stored))) errors[field] ??= messages;
  const unchanged = stored && (!("validTo" in payload) || (same(window.validFrom, stored.validFrom) && same(window.validTo, stored.validTo)));
  const latest = latestEnd(policies, window.validFrom, now);
  if (latest && !unchanged && !errors.validTo && (window.validTo === null || window.validTo > latest)) {
    errors.validTo = [lifetimeProblem(policies.maxTokenLifetimeDays!, latest)];
  }
  return errors;
}

const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
