import type { EventView } from "@/lib/audit/contract";
import { describeActor, describeEvent, durationWords } from "@/lib/audit/describe";
import { CSV_COLUMNS, csvField, csvRow } from "@/lib/audit/export";
import { parseCsv } from "../helpers/csv";

/** Events in words (lib/audit/describe.ts) and the CSV export's cells (lib/audit/export.ts). */
const ME = "11111111-1111-4111-8111-111111111111";
const ADMIN = "22222222-2222-4222-8222-222222222222";
const GUID = "0b9e7a52-3c1d-4e8f-9a6b-2d4c6e8f0a1b";

function event(overrides: Partial<EventView> & Pick<EventView, "action">): EventView {
  return {
    id: "33333333-3333-4333-8333-333333333333",
    occurredAt: "2031-03-01T12:00:00.000Z",
    title: overrides.action,
    actor: { kind: "person", userId: ME, label: "me@example.com", tokenGuid: null },
    target: { userId: ME, tokenGuid: GUID, scope: null },
    details: {},
    ip: "192.0.2.7",
    userAgent: "curl/8.5",
    ...overrides,
  };
}

describe("describeEvent", () => {
  test.each<[Partial<EventView> & Pick<EventView, "action">, string]>([
    [{ action: "token.rotated", details: { name: "CI deploy", overlapSeconds: 3600 } }, "Rotated “CI deploy” with a 1-hour overlap"],
    [{ action: "token.rotated", details: { name: "CI deploy" } }, "Rotated “CI deploy”; the previous secret stopped at once"],
    [{ action: "token.revoked_by_admin", details: { name: "CI", reason: "leaked in logs" } }, "Revoked “CI” — reason: leaked in logs"],
    [{ action: "token.revoked", details: { name: "CI" } }, "Revoked “CI”"],
    [{ action: "token.reported_leaked", details: { name: "CI", reportId: "r", source: "https://gist.example/x" } }, "Revoked “CI”: its secret was reported as leaked (found at https://gist.example/x)"],
    [{ action: "token.reported_leaked", details: { name: "CI", reportId: "r", source: null } }, "Revoked “CI”: its secret was reported as leaked"],
    [{ action: "token.edited", details: { name: "CI", before: { name: "C" }, after: { name: "CI", scopes: [] } } }, "Edited “CI” (name, scopes)"],
    [{ action: "token.created", details: {} }, "Created token 0b9e7a52…"],
    [{ action: "token.new_address", details: { name: "CI" } }, "“CI” was used from a new address (192.0.2.7)"],
    [{ action: "user.sign_in_failed" }, "Sign-in failed"],
    [{ action: "user.signed_in", title: "Signed in" }, "Signed in"],
    [{ action: "user.scope_granted", target: { userId: ME, tokenGuid: null, scope: "metrics:read" }, details: { email: "g@example.com" } }, "Granted metrics:read to g@example.com"],
    [{ action: "policy.changed", details: { before: { maxTokenLifetimeDays: null }, after: { maxTokenLifetimeDays: 90 } } }, "Changed the policies: maxTokenLifetimeDays no limit → 90"],
    [{ action: "user.deleted", details: { email: "g@example.com", activeTokens: 2 } }, "Deleted the account g@example.com (2 active tokens stopped)"],
    [{ action: "user.notifications_changed", details: { before: { notifyNewAddress: false }, after: { notifyNewAddress: true } } }, "Turned on mail when a token is used from a new address"],
    [{ action: "user.notifications_changed", details: { before: { notifyNewAddress: true }, after: { notifyNewAddress: false } } }, "Turned off mail when a token is used from a new address"],
    [{ action: "user.notifications_changed", details: {} }, "Changed the notification settings"],
  ])("%j", (overrides, words) => {
    expect(describeEvent(event(overrides))).toBe(words);
  });

  test("a token the event does not name is named from what the page looked up", () => {
    expect(describeEvent(event({ action: "token.deleted" }), { userId: ME, tokenNames: { [GUID]: "Gateway" } })).toBe("Deleted “Gateway”");
  });

  test("overlaps in the largest whole unit", () => {
    expect([90, 60, 5400, 7200, 172800].map(durationWords)).toEqual(["90-second", "1-minute", "90-minute", "2-hour", "2-day"]);
  });
});

describe("describeActor", () => {
  const reader = { userId: ME, tokenNames: { [GUID]: "CI" } };
  test.each<[EventView["actor"], string]>([
    [{ kind: "person", userId: ME, label: "me@example.com", tokenGuid: null }, "You"],
    [{ kind: "token", userId: ME, label: null, tokenGuid: GUID }, "Your token “CI” (0b9e7a52…)"],
    [{ kind: "administrator", userId: ADMIN, label: "ada@example.com", tokenGuid: null }, "Administrator ada@example.com"],
    [{ kind: "administrator", userId: ME, label: "me@example.com", tokenGuid: null }, "You, as administrator"],
    [{ kind: "system", userId: null, label: null, tokenGuid: null }, "Tollgate"],
    [{ kind: "person", userId: ADMIN, label: "ada@example.com", tokenGuid: null }, "ada@example.com"],
  ])("%j", (actor, words) => {
    expect(describeActor(event({ action: "token.created", actor }), reader)).toBe(words);
  });
});

describe("CSV cells", () => {
  test.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""],
    ["+1", "'+1"],
    ["-1+2", "'-1+2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    [null, ""],
  ])("%j is written %j", (value, cell) => {
    expect(csvField(value)).toBe(cell);
  });

  test("a row with every hostile value reads back as the values, formulas defused", () => {
    const hostile = event({ action: "token.revoked_by_admin", details: { name: '=cmd|"/c calc"!A1', reason: "a,b\r\nc" }, userAgent: "@evil" });
    const [header, row] = parseCsv(CSV_COLUMNS.join(",") + "\r\n" + csvRow(hostile, { userId: ME }));
    const cells = Object.fromEntries(header!.map((name, i) => [name, row![i]]));
    expect(cells.description).toBe('Revoked “=cmd|"/c calc"!A1” — reason: a,b\r\nc');
    expect(cells.userAgent).toBe("'@evil");
    expect(JSON.parse(cells.details!)).toEqual(hostile.details);
    expect(cells.actor).toBe("You");
  });
});
