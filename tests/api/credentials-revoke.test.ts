import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { generateSecret } from "@/lib/tokens/secret";
import { recipients, startSmtp, type Mailbox } from "../helpers/smtp";
import { createUser } from "../helpers/users";
import { useSeededServer, type Reply } from "./http";

jest.setTimeout(60_000);

/**
 * POST /api/v1/credentials/revoke over HTTP: no token, one answer whatever the secrets were, the
 * real ones revoked after it and their owners mailed once; its shape, its body limit and its
 * hourly limit per address. The server runs behind one proxy (TRUST_PROXY=1) so that each test
 * speaks from its own address. The scanning script is run as a child process against it.
 */
const LIMIT = 5;
// Longer than the outbox's first retry (60 s): a mail the mail server failed once is sent again, not lost.
const RETRY_WAIT_MS = 90_000;
const HOUR = 3_600_000;

let mailbox: Mailbox;
beforeAll(async () => {
  mailbox = await startSmtp();
});
afterAll(() => mailbox.stop());

async function seed() {
  const owner = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const make = (name: string) => createToken(owner.id, { name, scopes: ["tokens:read"] });
  const now = Date.now();
  const revoked = await make("Revoked already");
  await revokeToken(owner.id, revoked.token.guid);
  const expired = await createToken(owner.id, { name: "Expired", scopes: ["tokens:read"], validTo: new Date(now - HOUR).toISOString() }, new Date(now - 2 * HOUR));
  return {
    owner,
    reader: await make("Owner's reader"),
    leaked: await make("Pasted in a gist"),
    second: await make("Second leak"),
    sentinel: await make("Reported last"),
    scanned: await make("Committed config"),
    nested: await make("Nested config"),
    revoked,
    expired,
  };
}

// The mailbox must be listening before the server starts; useSeededServer's beforeAll runs after ours.
const api = useSeededServer(seed, {
  TRUST_PROXY: "1",
  CREDENTIAL_REPORT_LIMIT: String(LIMIT),
  MAIL_POLL_SECONDS: "0.2",
  get SMTP_URL() {
    return mailbox.url;
  },
} as unknown as Record<string, string>);

const report = (address: string, body: unknown, headers: Record<string, string> = {}) =>
  api.call("POST", "/api/v1/credentials/revoke", { body, headers: { "x-forwarded-for": address, ...headers } });

/** Everything a reporter sees of an answer, dates aside. */
const seen = (reply: Reply) => ({ status: reply.status, type: reply.headers.get("content-type"), cache: reply.headers.get("cache-control"), body: reply.body });

async function until<T>(what: string, check: () => Promise<T | undefined | false>, deadlineMs = 20_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    // What the mailbox holds and what the server logged say why (a mail that failed and waits for its retry, say).
    if (Date.now() > deadline) {
      const received = mailbox.messages.map((m) => `“${m.subject}”`).join("; ") || "none";
      throw new Error(`gave up waiting for ${what}; mail received: ${received}\nserver log:\n${api.server.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const meStatus = async (secret: string) => (await api.call("GET", "/api/v1/me", { token: secret, headers: { "x-forwarded-for": "198.51.100.200" } })).status;
const tokenOf = async (guid: string) => (await api.call("GET", `/api/v1/tokens/${guid}`, { token: api.seed.reader.secret, headers: { "x-forwarded-for": "198.51.100.200" } })).body;

test("every well-formed report gets the same answer, whether none, some or all of its secrets are real", async () => {
  const { leaked, revoked, expired } = api.seed;
  const unknown = generateSecret();
  const answers = [
    await report("192.0.2.1", { credentials: [unknown, generateSecret()] }),
    await report("192.0.2.1", { credentials: ["tgp_short", "not a secret at all"] }),
    await report("192.0.2.1", { credentials: [revoked.secret, expired.secret], source: "https://example.com/a" }),
    await report("192.0.2.1", { credentials: [leaked.secret, leaked.secret], source: "https://gist.example/someone/1" }),
  ];
  expect(answers.map(seen)).toEqual(Array(4).fill({ status: 202, type: "application/json", cache: "no-store", body: { received: 2 } }));
  expect(seen(await report("192.0.2.2", { credentials: [unknown, revoked.secret, "x"] })).body).toEqual({ received: 3 });

  // Revoked after the answer: refused from then on, with the reason on the owner's token.
  await until("the leaked token to be refused", async () => (await meStatus(leaked.secret)) === 401);
  expect(await tokenOf(leaked.token.guid)).toMatchObject({ status: "revoked", revokedBy: "system", revocationReason: "Reported as leaked" });
  expect(await tokenOf(revoked.token.guid)).toMatchObject({ status: "revoked", revocationReason: null });
  expect(await tokenOf(expired.token.guid)).toMatchObject({ status: "expired", revocationReason: null });
  expect(await meStatus(api.seed.second.secret)).toBe(200);
});

test("the owner gets one mail per revoked token, and one event, however often it is reported", async () => {
  const { leaked, second, sentinel, owner } = api.seed;
  // Reported again beside a token not reported before: once that one is revoked, this report is done.
  expect((await report("192.0.2.3", { credentials: [leaked.secret, second.secret], source: "https://paste.example/2" })).status).toBe(202);
  const sent = (name: string) => mailbox.to(owner.email).some((m) => m.subject?.includes(name));
  await until("the second token's mail", async () => sent("Second leak"), RETRY_WAIT_MS);
  // The outbox sends in the order mail was queued: once a mail queued after that report's has
  // arrived, a second mail for the first token, had one been queued, would have arrived too.
  expect((await report("192.0.2.3", { credentials: [sentinel.secret] })).status).toBe(202);
  await until("the mail queued last", async () => sent("Reported last") && sent("Pasted in a gist"), RETRY_WAIT_MS);
  const mails = mailbox.to(owner.email).filter((m) => m.subject?.includes("Pasted in a gist"));
  expect(mails).toHaveLength(1);
  expect(mails[0]!.subject).toBe("Your token “Pasted in a gist” was reported as leaked and revoked");
  expect(mails[0]!.text).toContain("Someone found its secret (https://gist.example/someone/1) and reported it.");
  expect(mails[0]!.text).toContain(`${api.server.baseUrl}/settings/tokens/${leaked.token.guid}`);
  expect(recipients(mails[0]!)).toEqual([owner.email]);

  const events = await api.call("GET", "/api/v1/audit-events?action=token.reported_leaked", { token: api.seed.reader.secret, headers: { "x-forwarded-for": "198.51.100.200" } });
  expect(events.status).toBe(200);
  const forLeaked = events.body.events.filter((e: { target: { tokenGuid: string } }) => e.target.tokenGuid === leaked.token.guid);
  expect(forLeaked).toHaveLength(1);
  expect(forLeaked[0]).toMatchObject({
    action: "token.reported_leaked",
    actor: { kind: "system" },
    ip: "192.0.2.1",
    details: { name: "Pasted in a gist", source: "https://gist.example/someone/1", reportId: expect.any(String) },
  });
}, 3 * RETRY_WAIT_MS);

describe("a body that is not the documented shape is refused, in the API's error shape", () => {
  const address = "192.0.2.10";
  test.each([
    ["no secrets", { credentials: [] }, "credentials"],
    ["1,001 secrets", { credentials: Array(1001).fill("tgp_x") }, "credentials"],
    ["a secret that is not a string", { credentials: ["tgp_x", 42] }, "credentials"],
    ["an unknown field", { credentials: ["tgp_x"], url: "https://x" }, "url"],
    ["a source over 2,048 characters", { credentials: ["tgp_x"], source: "s".repeat(2049) }, "source"],
  ])("%s: 400 invalid_request naming the field", async (_what, body, field) => {
    const reply = await report(address, body);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: "invalid_request", fields: { [field]: [expect.any(String)] } });
  });

  test("1,000 secrets (each as long as a real one) are accepted; a body over 128 KiB is 413; not JSON is 400 or 415", async () => {
    const thousand = Array.from({ length: 1000 }, () => generateSecret());
    expect(seen(await report("192.0.2.11", { credentials: thousand, source: "s".repeat(2048) })).body).toEqual({ received: 1000 });
    const huge = await report("192.0.2.11", JSON.stringify({ credentials: ["x".repeat(140 * 1024)] }), { "content-type": "application/json" });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toEqual({ code: "payload_too_large", message: "The request body is larger than 128 KiB." });
    expect((await report("192.0.2.11", "{not json", { "content-type": "application/json" })).body.error.code).toBe("invalid_request");
    expect((await report("192.0.2.11", "credentials=x", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
  });
});

test(`an address may send ${LIMIT} reports an hour, malformed ones included; the next is 429 with Retry-After, and other addresses go on`, async () => {
  const address = "192.0.2.20";
  for (let i = 0; i < LIMIT; i++) {
    const body = i % 2 ? { credentials: [generateSecret()] } : { nonsense: true };
    expect((await report(address, body)).status).toBe(i % 2 ? 202 : 400);
  }
  const refused = await report(address, { credentials: [generateSecret()] });
  expect(refused.status).toBe(429);
  const wait = Number(refused.headers.get("retry-after"));
  expect(wait > 0 && wait <= 3600).toBe(true);
  expect(refused.body.error).toEqual({ code: "rate_limited", message: `Too many reports from your address. Try again in ${wait} seconds.` });
  expect((await report("192.0.2.21", { credentials: [generateSecret()] })).status).toBe(202);
});

describe("scripts/scan-secrets.mjs", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "tollgate-scan-"));
    const { scanned, nested, revoked } = api.seed;
    const real = generateSecret();
    // A decoy: the right shape, its checksum's last character changed.
    const decoy = real.slice(0, -1) + (real.endsWith("a") ? "b" : "a");
    writeFileSync(path.join(dir, "config.env"), `# deploy\nTOLLGATE_TOKEN=${scanned.secret}\nOTHER=${decoy}\n`);
    mkdirSync(path.join(dir, "src/deep/er"), { recursive: true });
    writeFileSync(path.join(dir, "src/deep/er/settings.json"), `{\n  "old": "${revoked.secret}",\n  "token": "${nested.secret}"\n}\n`);
    writeFileSync(path.join(dir, "src/notes.md"), `tgp_${"A".repeat(36)} and xtgp_${nested.secret.slice(4)}\n`);
    mkdirSync(path.join(dir, "node_modules/pkg"), { recursive: true });
    writeFileSync(path.join(dir, "node_modules/pkg/index.js"), `"${real}"\n`);
    mkdirSync(path.join(dir, ".git"));
    writeFileSync(path.join(dir, ".git/config"), `${real}\n`);
    writeFileSync(path.join(dir, "image.bin"), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(real)]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const scan = (...args: string[]) =>
    promisify(execFile)(process.execPath, [path.join(__dirname, "../../scripts/scan-secrets.mjs"), dir, ...args]).then(
      (done) => ({ code: 0, stdout: done.stdout }),
      (failed: { code: number; stdout: string }) => ({ code: failed.code, stdout: failed.stdout }),
    );
  const partial = (secret: string) => `${secret.slice(0, 8)}…${secret.slice(-4)}`;

  test("finds the secrets with valid checksums, nested ones too, skipping node_modules, .git and binary files; prints partials only", async () => {
    const { scanned, nested, revoked } = api.seed;
    const { code, stdout } = await scan();
    expect(code).toBe(1);
    expect(stdout.trim().split("\n")).toEqual([
      `config.env:2: ${partial(scanned.secret)}`,
      `src/deep/er/settings.json:2: ${partial(revoked.secret)}`,
      `src/deep/er/settings.json:3: ${partial(nested.secret)}`,
      "3 Tollgate secret(s) found, in 3 place(s).",
    ]);
    for (const secret of [scanned.secret, nested.secret, revoked.secret]) expect(stdout).not.toContain(secret);
  });

  test("--submit reports them to the server, which revokes the real, active ones", async () => {
    const { scanned, nested } = api.seed;
    expect(await meStatus(scanned.secret)).toBe(200);
    const { code, stdout } = await scan("--submit", api.server.baseUrl, "--source", "ci scan of repo x");
    expect(code).toBe(1);
    expect(stdout).toContain(`submitted 3 to ${api.server.baseUrl}/api/v1/credentials/revoke: 202 {"received":3}`);
    await until("both scanned tokens to be refused", async () => (await meStatus(scanned.secret)) === 401 && (await meStatus(nested.secret)) === 401);
    expect(await tokenOf(nested.token.guid)).toMatchObject({ status: "revoked", revocationReason: "Reported as leaked" });
  });
});
