import { bellLabel, unreadBadge } from "@/components/layout/notification-bell";
import { similarName, similarValues, toLocalInput } from "@/components/tokens/token-form-values";
import { tokenItem } from "../components/fixtures";

/** "Create a similar token": what the new-token dialog starts from, with the clock pinned. */
const NOW = new Date("2031-04-10T08:30:00.000Z");
const DAY = 86_400_000;
const FROM = new Date("2031-01-01T00:00:00.000Z");
const like = (days: number | null, extra: Parameters<typeof tokenItem>[0] = {}) =>
  tokenItem({ name: "CI deploy", description: "Deploys main", scopes: ["tokens:read", "tokens:write"], validFrom: FROM.toISOString(), validTo: days === null ? null : new Date(FROM.getTime() + days * DAY).toISOString(), ...extra });
const fields = ({ name, description, scopes, validFrom, expiry, validTo }: ReturnType<typeof similarValues>) => ({ name, description, scopes, validFrom, expiry, validTo });

test("the name, description, the scopes still held and a matching preset; the GUID is new", () => {
  const token = like(90);
  const values = similarValues(token, ["tokens:read"], undefined, NOW);
  expect(fields(values)).toEqual({ name: "CI deploy (new)", description: "Deploys main", scopes: ["tokens:read"], validFrom: "", expiry: "90d", validTo: "" });
  expect(values.guid).not.toBe(token.guid);
  expect(similarValues(like(7), [], undefined, NOW)).toMatchObject({ expiry: "7d", scopes: [] });
  expect(similarValues(like(null), ["tokens:read"], undefined, NOW)).toMatchObject({ expiry: "never" });
});

test("a lifetime that is no preset becomes a date as far from now, within the lifetime policy", () => {
  expect(fields(similarValues(like(45), ["tokens:read"], undefined, NOW))).toMatchObject({ expiry: "custom", validTo: toLocalInput(new Date(NOW.getTime() + 45 * DAY)) });
  const policies = { maxTokenLifetimeDays: 40, maxRotationOverlapSeconds: null };
  expect(similarValues(like(45), [], policies, NOW)).toMatchObject({ expiry: "custom", validTo: toLocalInput(new Date(NOW.getTime() + 40 * DAY)) });
  // A preset the policy no longer allows, or no expiry, falls back to the dialog's default (30 days here).
  expect(similarValues(like(90), [], policies, NOW)).toMatchObject({ expiry: "30d", validTo: "" });
  expect(similarValues(like(null), [], policies, NOW)).toMatchObject({ expiry: "30d", validTo: "" });
});

test("a name at the limit is cut so that \" (new)\" fits", () => {
  expect(similarName("x".repeat(100))).toBe(`${"x".repeat(94)} (new)`);
  expect(similarName("x".repeat(94))).toBe(`${"x".repeat(94)} (new)`);
  expect(similarName(`${"x".repeat(93)} y`)).toBe(`${"x".repeat(93)} (new)`);
});

test("the bell's badge stops at 99+, and its name says the count in words", () => {
  expect([0, 1, 99, 100, 5000].map((n) => [unreadBadge(n), bellLabel(n)])).toEqual([
    ["0", "Notifications, none unread"],
    ["1", "Notifications, 1 unread"],
    ["99", "Notifications, 99 unread"],
    ["99+", "Notifications, more than 99 unread"],
    ["99+", "Notifications, more than 99 unread"],
  ]);
});
