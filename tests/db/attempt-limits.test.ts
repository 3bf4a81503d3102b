import { prisma } from "@/lib/db";
import { TooManyAttemptsError, ValidationError } from "@/lib/errors";
import { signInWithLimits, signUpWithLimits } from "@/lib/users/attempt-limits";
import { hashPassword } from "@/lib/users/password";
import { useFreshDatabase } from "../helpers/database";

// The real argon2 hash, watched: a refused sign-up must be refused before any password is hashed.
jest.mock("@/lib/users/password", () => {
  const actual = jest.requireActual("@/lib/users/password");
  return { ...actual, hashPassword: jest.fn(actual.hashPassword) };
});
const hashes = () => jest.mocked(hashPassword).mock.calls.length;

// Read once, when the limits are first used: three failures per account (fifteen per address),
// and two sign-ups per address.
process.env.SIGN_IN_FAILURE_LIMIT = "3";
process.env.SIGN_UP_LIMIT = "2";

useFreshDatabase();

const PASSWORD = "correct horse battery staple";
const WRONG = "wrong horse battery staple";

async function refusal(attempt: Promise<unknown>): Promise<TooManyAttemptsError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TooManyAttemptsError);
  return error as TooManyAttemptsError;
}

test("sign-ups: an address may create SIGN_UP_LIMIT accounts an hour; others still may", async () => {
  await signUpWithLimits({ name: "One", email: "one@example.com", password: PASSWORD }, "192.0.2.10");
  await signUpWithLimits({ name: "Two", email: "two@example.com", password: PASSWORD }, "192.0.2.10");
  const before = hashes();
  const error = await refusal(signUpWithLimits({ name: "Three", email: "three@example.com", password: PASSWORD }, "192.0.2.10"));
  // The hour opened with the first sign-up; a slow machine may have spent a few seconds of it since.
  expect(error.retryAfterSeconds).toBeGreaterThan(3540);
  expect(error.retryAfterSeconds).toBeLessThanOrEqual(3600);
  expect(error.message).toBe(`Too many sign-up attempts from your network. Try again in ${Math.ceil(error.retryAfterSeconds / 60)} minutes.`);
  // Refused before hashing; nothing was created for it; another address is not affected.
  expect(hashes()).toBe(before);
  expect(await signInWithLimits({ email: "three@example.com", password: PASSWORD }, "192.0.2.11")).toBeNull();
  await signUpWithLimits({ name: "Three", email: "three@example.com", password: PASSWORD }, "192.0.2.11");
});

test("sign-ups: attempts with an email that has an account count too, and the one past the limit hashes nothing", async () => {
  const db = await prisma();
  const existing = await db.user.findUniqueOrThrow({ where: { email: "one@example.com" } });
  const taken = { name: "Someone", email: "one@example.com", password: "another password, guessed" };
  for (let i = 0; i < 2; i++) {
    const before = hashes();
    const error = await signUpWithLimits(taken, "192.0.2.20").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual({ email: ["An account with this email already exists. Sign in instead."] });
    expect(hashes()).toBe(before + 1);
  }
  const before = hashes();
  await refusal(signUpWithLimits(taken, "192.0.2.20"));
  await refusal(signUpWithLimits({ name: "New", email: "new@example.com", password: PASSWORD }, "192.0.2.20"));
  expect(hashes()).toBe(before);
  // Neither the taken account nor a new one changed.
  expect(await db.user.findUniqueOrThrow({ where: { email: "one@example.com" } })).toEqual(existing);
  expect(await db.user.findUnique({ where: { email: "new@example.com" } })).toBeNull();
});

test("sign-ups: attempts sent all at once are counted before any of them hashes", async () => {
  const before = hashes();
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => signUpWithLimits({ name: `Burst ${i}`, email: `burst${i}@example.com`, password: PASSWORD }, "192.0.2.40")),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
  expect(results.filter((r) => r.status === "rejected" && r.reason instanceof TooManyAttemptsError)).toHaveLength(8);
  expect(hashes()).toBe(before + 2);
});

test("sign-ups: a malformed attempt is refused by validation alone and counts against nobody", async () => {
  for (let i = 0; i < 5; i++) {
    const before = hashes();
    await expect(signUpWithLimits({ name: "", email: "not an email", password: "short" }, "192.0.2.30")).rejects.toBeInstanceOf(ValidationError);
    expect(hashes()).toBe(before);
  }
  await signUpWithLimits({ name: "Four", email: "four@example.com", password: PASSWORD }, "192.0.2.30");
});

test("sign-in: an account's wrong passwords pause it from every address, even with the right password", async () => {
  await signUpWithLimits({ name: "Ada", email: "ada@example.com", password: PASSWORD }, "198.51.100.1");
  for (let i = 0; i < 3; i++) {
    expect(await signInWithLimits({ email: "ada@example.com", password: WRONG }, `203.0.113.${i}`)).toBeNull();
  }
  const error = await refusal(signInWithLimits({ email: " ADA@example.com", password: PASSWORD }, "198.51.100.1"));
  expect(error.message).toBe("Too many failed sign-ins. Wait 15 minutes and try again.");
  // Other accounts sign in as usual.
  expect((await signInWithLimits({ email: "one@example.com", password: PASSWORD }, "198.51.100.1"))?.email).toBe("one@example.com");
});

test("sign-in: a correct password before the limit clears the account's count", async () => {
  for (let i = 0; i < 2; i++) expect(await signInWithLimits({ email: "two@example.com", password: WRONG }, "198.51.100.2")).toBeNull();
  expect(await signInWithLimits({ email: "two@example.com", password: PASSWORD }, "198.51.100.2")).not.toBeNull();
  for (let i = 0; i < 2; i++) expect(await signInWithLimits({ email: "two@example.com", password: WRONG }, "198.51.100.2")).toBeNull();
  expect(await signInWithLimits({ email: "two@example.com", password: PASSWORD }, "198.51.100.2")).not.toBeNull();
});

test("sign-in: one address trying many accounts is paused after five times the per-account limit", async () => {
  // Fifteen failures over five unknown accounts, three each: every one is answered, as no account
  // is over its own limit before its third.
  for (let i = 0; i < 15; i++) {
    expect(await signInWithLimits({ email: `guess${i % 5}@example.com`, password: WRONG }, "192.0.2.99")).toBeNull();
  }
  await refusal(signInWithLimits({ email: "three@example.com", password: PASSWORD }, "192.0.2.99"));
  // The accounts themselves are not paused for anyone else.
  expect(await signInWithLimits({ email: "three@example.com", password: PASSWORD }, "192.0.2.100")).not.toBeNull();
});

test("malformed input is a failed sign-in that counts against nobody (no password was checked)", async () => {
  for (let i = 0; i < 20; i++) expect(await signInWithLimits({ email: "not an email", password: "" }, "192.0.2.200")).toBeNull();
  expect(await signInWithLimits(undefined, "192.0.2.200")).toBeNull();
  expect(await signInWithLimits({ email: "one@example.com", password: PASSWORD }, "192.0.2.200")).not.toBeNull();
});
