import { statusOf } from "@/lib/tokens/status";

const now = new Date("2030-06-15T12:00:00.000Z");
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
const DAY = 86_400_000;

describe("statusOf", () => {
  test("valid-from equal to now is active", () => {
    expect(statusOf({ validFrom: at(0), validTo: null, revokedAt: null }, now)).toEqual("active");
  });

  test("valid-from one millisecond after now is scheduled", () => {
    expect(statusOf({ validFrom: at(1), validTo: null, revokedAt: null }, now)).toEqual("scheduled");
  });

  test("valid-to equal to now is expired", () => {
    expect(statusOf({ validFrom: at(-DAY), validTo: at(0), revokedAt: null }, now)).toEqual("expired");
  });

  test("valid-to one millisecond after now is still active", () => {
    expect(statusOf({ validFrom: at(-DAY), validTo: at(1), revokedAt: null }, now)).toEqual("active");
  });

  test("without a valid-to a token stays active forever", () => {
    const token = { validFrom: at(-DAY), validTo: null, revokedAt: null };
    expect(statusOf(token, new Date("9999-12-31T23:59:59.999Z"))).toEqual("active");
  });

  test("revoked wins over every other state", () => {
    const revoked = { revokedAt: at(-1) };
    expect(statusOf({ validFrom: at(-DAY), validTo: null, ...revoked }, now)).toEqual("revoked");
    expect(statusOf({ validFrom: at(-DAY), validTo: at(-1), ...revoked }, now)).toEqual("revoked");
    expect(statusOf({ validFrom: at(DAY), validTo: at(2 * DAY), ...revoked }, now)).toEqual("revoked");
    // Revoked "in the future" (a clock skew between instances) still counts as revoked.
    expect(statusOf({ validFrom: at(-DAY), validTo: null, revokedAt: at(DAY) }, now)).toEqual("revoked");
  });

  test("uses the current time when none is given", () => {
    expect(statusOf({ validFrom: new Date(Date.now() - DAY), validTo: new Date(Date.now() + DAY), revokedAt: null })).toEqual("active");
    expect(statusOf({ validFrom: new Date(Date.now() - 2 * DAY), validTo: new Date(Date.now() - DAY), revokedAt: null })).toEqual("expired");
  });
});
