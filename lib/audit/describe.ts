import type { EventView } from "./contract";

/**
 * An event in words, for the logs' tables and the CSV export: what happened, read from the
 * details its writer recorded, and who did it, seen from the reader's side ("You"). Plain
 * functions of the view (no server code), so that a client component may use them too.
 */

/** What the reader knows beyond the event: who they are, and the names of tokens the page looked up. */
export type EventReader = { userId: string | null; tokenNames?: Readonly<Record<string, string>> };

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() ? value : null);
const count = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const quoted = (name: string) => `“${name}”`;
const shortGuid = (guid: string) => `${guid.slice(0, 8)}…`;

/** "1-hour", "90-second", "2-day": an overlap as an adjective. */
export function durationWords(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of units) if (seconds >= size && seconds % size === 0) return `${seconds / size}-${unit}`;
  return `${seconds}-second`;
}

function tokenName(view: EventView, reader?: EventReader): string {
  const name = text(view.details.name) ?? (view.target.tokenGuid ? reader?.tokenNames?.[view.target.tokenGuid] : undefined);
  if (name) return quoted(name);
  return view.target.tokenGuid ? `token ${shortGuid(view.target.tokenGuid)}` : "a token";
}

/** The names of what an edit changed: a list of fields, or the keys of its before/after. */
function changedFields(details: Record<string, unknown>): string[] {
  if (Array.isArray(details.fields)) return details.fields.filter((f): f is string => typeof f === "string");
  const keys = new Set<string>();
  for (const side of [details.before, details.after, details.changes]) {
    if (side && typeof side === "object" && !Array.isArray(side)) Object.keys(side).forEach((k) => keys.add(k));
  }
  return [...keys];
}

function withReason(sentence: string, details: Record<string, unknown>): string {
  const reason = text(details.reason);
  return reason ? `${sentence} — reason: ${reason}` : sentence;
}

const email = (details: Record<string, unknown>) => text(details.email) ?? text(details.owner) ?? "an account";

function policyChange(details: Record<string, unknown>): string {
  const before = (details.before ?? {}) as Record<string, unknown>;
  const after = (details.after ?? {}) as Record<string, unknown>;
  const show = (v: unknown) => (v === null || v === undefined ? "no limit" : String(v));
  const changes = Object.keys(after)
    .filter((key) => before[key] !== after[key])
    .map((key) => `${key} ${show(before[key])} → ${show(after[key])}`);
  return changes.length ? `Changed the policies: ${changes.join(", ")}` : "Saved the policies unchanged";
}

/** What happened, in one sentence. Unknown actions fall back to their title. */
export function describeEvent(view: EventView, reader?: EventReader): string {
  const d = view.details;
  const scope = view.target.scope ?? text(d.scope) ?? "a scope";
  switch (view.action) {
    case "token.created":
      return `Created ${tokenName(view, reader)}`;
    case "token.edited": {
      const fields = changedFields(d);
      return `Edited ${tokenName(view, reader)}${fields.length ? ` (${fields.join(", ")})` : ""}`;
    }
    case "token.rotated": {
      const overlap = count(d.overlapSeconds);
      return overlap
        ? `Rotated ${tokenName(view, reader)} with a ${durationWords(overlap)} overlap`
        : `Rotated ${tokenName(view, reader)}; the previous secret stopped at once`;
    }
    case "token.overlap_ended":
      return `The previous secret of ${tokenName(view, reader)} stopped working`;
    case "token.revoked":
    case "token.revoked_by_admin":
      return withReason(`Revoked ${tokenName(view, reader)}`, d);
    case "token.reported_leaked": {
      const source = text(d.source);
      return `Revoked ${tokenName(view, reader)}: its secret was reported as leaked${source ? ` (found at ${source})` : ""}`;
    }
    case "token.deleted":
      return `Deleted ${tokenName(view, reader)}`;
    case "token.expired":
      return `${tokenName(view, reader)} expired`;
    case "token.revoked_unused": {
      const days = count(d.days);
      return `Revoked ${tokenName(view, reader)}: not used for ${days ? `${days} days` : "too long"} (the stale-token policy)`;
    }
    case "token.new_address": {
      const address = text(d.ip) ?? view.ip;
      return `${tokenName(view, reader)} was used from a new address${address ? ` (${address})` : ""}`;
    }
    case "user.sign_in_failed":
      return withReason("Sign-in failed", d);
    case "user.sign_in_paused":
      return "Password sign-in paused after too many failed attempts";
    case "user.session_ended":
      return withReason("Session ended", d);
    case "user.password_reset_requested":
      return "A password reset link was sent by mail";
    case "user.password_reset": {
      const ended = count(d.sessionsEnded);
      return `Password reset with a link sent by mail${ended ? ` (${ended} ${ended === 1 ? "session" : "sessions"} signed out)` : ""}`;
    }
    case "admin.granted":
      return `Made ${email(d)} an administrator`;
    case "admin.revoked":
      return `${email(d)} is no longer an administrator`;
    case "scope.created":
      return `Added the scope ${scope}`;
    case "scope.edited":
      return `Edited the description of ${scope}`;
    case "scope.retired": {
      const holders = count(d.holders);
      return `Retired the scope ${scope}${holders !== null ? ` (withdrawn from ${holders} ${holders === 1 ? "account" : "accounts"})` : ""}`;
    }
    case "scope.defaults_changed":
      return d.after === false || (Array.isArray(d.after) && !d.after.includes(scope))
        ? `New accounts no longer receive ${scope}`
        : `New accounts now receive ${scope}`;
    case "user.scope_granted":
      return `Granted ${scope} to ${email(d)}`;
    case "user.scope_withdrawn":
      return `Withdrew ${scope} from ${email(d)}`;
    case "user.disabled":
      return `Disabled the account ${email(d)}`;
    case "user.enabled":
      return `Enabled the account ${email(d)}`;
    case "user.deleted": {
      const active = count(d.activeTokens);
      return `Deleted the account ${email(d)}${active ? ` (${active} active ${active === 1 ? "token" : "tokens"} stopped)` : ""}`;
    }
    case "policy.changed":
      return policyChange(d);
    case "user.notifications_changed": {
      const after = (d.after ?? {}) as Record<string, unknown>;
      if (typeof after.notifyNewAddress !== "boolean") return "Changed the notification settings";
      return after.notifyNewAddress ? "Turned on mail when a token is used from a new address" : "Turned off mail when a token is used from a new address";
    }
    default:
      return view.title;
  }
}

/** Who did it, as the reader would say it: "You", "Your token “CI” (3f2b8c1e…)", "Administrator ada@example.com", "Tollgate". */
export function describeActor(view: EventView, reader: EventReader): string {
  const { actor } = view;
  if (actor.kind === "system") return "Tollgate";
  const mine = actor.userId !== null && actor.userId === reader.userId;
  const who = actor.label ?? (actor.userId ? `user ${shortGuid(actor.userId)}` : "someone");
  const token = actor.tokenGuid
    ? (() => {
        const name = reader.tokenNames?.[actor.tokenGuid] ?? (actor.tokenGuid === view.target.tokenGuid ? text(view.details.name) : null);
        return name ? `${quoted(name)} (${shortGuid(actor.tokenGuid)})` : shortGuid(actor.tokenGuid);
      })()
    : null;
  if (actor.kind === "administrator") {
    const admin = mine ? "You, as administrator" : `Administrator ${who}`;
    return token ? `${admin}, with the token ${token}` : admin;
  }
  if (actor.kind === "token") return mine ? `Your token ${token}` : `${who}'s token ${token}`;
  return mine ? "You" : who;
}
