import { expiryOf } from "@/components/tokens/expiry";

/**
 * "expires in …" at the boundaries, with the clock pinned: the count rounds down, so the list never
 * promises more time than is left (it said "4 days" for 3 days 1 hour, "24 hours" for 23 h 49 min).
 */
const NOW = new Date("2030-06-15T12:00:00.000Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function wordsFor(left: number): string | undefined {
  const expiry = expiryOf({ validTo: new Date(NOW.getTime() + left).toISOString(), revokedAt: null }, NOW);
  return expiry.kind === "soon" ? expiry.inWords : expiry.kind;
}

test.each([
  [7 * DAY + MINUTE, "later"],
  [7 * DAY, "expires in 7 days"],
  [7 * DAY - MINUTE, "expires in 6 days"],
  [3 * DAY + HOUR, "expires in 3 days"],
  [3 * DAY, "expires in 3 days"],
  [3 * DAY - MINUTE, "expires in 2 days"],
  [2 * DAY, "expires in 2 days"],
  [DAY + 23 * HOUR + 59 * MINUTE, "expires in 1 day"],
  [DAY, "expires in 1 day"],
  [DAY - MINUTE, "expires in 23 hours"],
  [23 * HOUR + 49 * MINUTE, "expires in 23 hours"],
  [2 * HOUR, "expires in 2 hours"],
  [2 * HOUR - MINUTE, "expires in 1 hour"],
  [HOUR, "expires in 1 hour"],
  [59 * MINUTE, "expires in less than an hour"],
  [1, "expires in less than an hour"],
  [0, "ended"],
  [-MINUTE, "ended"],
])("%d ms before the end: %s", (left, words) => {
  expect(wordsFor(left)).toBe(words);
});

test("a token with no end never expires, and a revoked one says so whatever its end", () => {
  expect(expiryOf({ validTo: null, revokedAt: null }, NOW)).toEqual({ kind: "never" });
  const end = new Date(NOW.getTime() + 2 * DAY).toISOString();
  expect(expiryOf({ validTo: end, revokedAt: NOW.toISOString() }, NOW)).toEqual({ kind: "ended", at: end, marker: "Revoked" });
  const past = new Date(NOW.getTime() - DAY).toISOString();
  expect(expiryOf({ validTo: past, revokedAt: null }, NOW)).toEqual({ kind: "ended", at: past, marker: "Expired" });
});
