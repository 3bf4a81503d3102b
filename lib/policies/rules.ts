/**
 * What each policy allows, as plain functions of the limits: the token service enforces them, the
 * token page offers only what they allow, and the count of existing tokens that break them uses
 * the same instants. Nothing here may be server-only (the token page's components import it).
 */
export type Policies = {
  /** New, edited and rotated tokens must end within this many days. */
  maxTokenLifetimeDays: number | null;
  /** The longest a replaced secret may keep working after a rotation. */
  maxRotationOverlapSeconds: number | null;
  /** Tokens a person may have active (or scheduled) at once. */
  maxActiveTokensPerUser: number | null;
  /** Tokens unused (or never used) for this many days are revoked by the system, after a warning (lib/jobs/stale-tokens.ts). */
  revokeUnusedAfterDays: number | null;
};

export const NO_POLICIES: Policies = { maxTokenLifetimeDays: null, maxRotationOverlapSeconds: null, maxActiveTokensPerUser: null, revokeUnusedAfterDays: null };

/** The stale-token policy warns this long before it revokes, and never revokes a token warned less long ago. */
export const UNUSED_WARNING_DAYS = 7;

const DAY_MS = 24 * 3600_000;

/**
 * The latest valid-to the lifetime policy allows a window starting at `validFrom` when set at
 * `now`: whole 24-hour days from its start, or from now if it started already. That instant itself
 * is allowed, a millisecond later is not.
 */
export function latestValidTo(maxDays: number, validFrom: Date | null, now: Date): Date {
  const start = validFrom && validFrom.getTime() > now.getTime() ? validFrom : now;
  return new Date(start.getTime() + maxDays * DAY_MS);
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** An overlap limit in the words an operator reads it in: "1 hour", "90 minutes", "45 seconds". */
export function durationWords(seconds: number): string {
  if (seconds > 0 && seconds % 86400 === 0) return plural(seconds / 86400, "day");
  if (seconds > 0 && seconds % 3600 === 0) return plural(seconds / 3600, "hour");
  if (seconds > 0 && seconds % 60 === 0) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}

export function lifetimeMessage(maxDays: number, latest: Date): string {
  return `The maximum token lifetime policy allows at most ${plural(maxDays, "day")}: choose a valid-to on or before ${latest.toISOString()}.`;
}

export function overlapMessage(maxSeconds: number): string {
  return maxSeconds === 0
    ? "The maximum rotation overlap policy allows no overlap: rotate with overlapSeconds 0."
    : `The maximum rotation overlap policy allows at most ${durationWords(maxSeconds)}: choose an overlap of at most ${maxSeconds} seconds.`;
}

export function activeTokensMessage(max: number): string {
  return (
    `The maximum active tokens policy allows at most ${plural(max, "active or scheduled token")} per person, and you have that many. ` +
    "Revoke or delete one first."
  );
}
