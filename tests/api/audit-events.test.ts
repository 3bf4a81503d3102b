import { errorSchema } from "@/lib/api/schemas";
import { auditEventPageSchema } from "@/lib/audit/contract";
import { recordEvent, SYSTEM } from "@/lib/audit/events";
import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { parseCsv } from "../helpers/csv";
import { TEST_PASSWORD, createUser } from "../helpers/users";
import { signInOverHttp, type WebSession } from "../helpers/web-session";
import { useSeededServer, type Reply } from "./http";

jest.setTimeout(60_000);

/**
 * GET /api/v1/audit-events over HTTP (own events; an administrator's ?user=; 404 and 403 for
 * those who may not), and the logs' downloads, which must hold what the pages show.
 */
const T0 = Date.parse("2031-03-01T00:00:00.000Z");
const CLIENT = { address: "198.51.100.9", key: "198.51.100.9", userAgent: "=HYPERLINK(\"http://evil.example\")" };

async function seed() {
  const db = await prisma();
  const ada = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "tokens:write", "admin:read", "admin:write"] });
  await db.user.update({ where: { id: ada.id }, data: { isAdmin: true } });
  const adaAdmin = await createToken(ada.id, { name: "Ada audit", scopes: ["tokens:read", "admin:read"] });
  const adaPlain = await createToken(ada.id, { name: "Ada plain", scopes: ["tokens:read"] });
  const grace = await createUser({ name: "Grace", scopes: ["tokens:read", "tokens:write"] });
  const graceRead = await createToken(grace.id, { name: "Grace reader", scopes: ["tokens:read"] });
  const graceWrite = await createToken(grace.id, { name: "Grace writer", scopes: ["tokens:write"] });
  const guid = graceRead.token.guid;
  for (let i = 0; i < 7; i++) {
    const when = new Date(T0 + i * 60_000);
    await recordEvent(db, { kind: "person", userId: grace.id, label: grace.email, client: CLIENT }, { action: "token.rotated", targetUser: grace.id, targetToken: guid, details: { name: "Grace reader", overlapSeconds: 3600 } }, when);
    await recordEvent(db, { kind: "person", userId: ada.id, label: ada.email, client: CLIENT }, { action: "user.password_changed", targetUser: ada.id }, when);
  }
  await recordEvent(db, { kind: "administrator", userId: ada.id, label: ada.email, tokenGuid: null, client: CLIENT }, { action: "token.revoked_by_admin", targetUser: grace.id, targetToken: guid, details: { name: "Grace reader", reason: "leaked, in logs" } }, new Date(T0 + 3 * 60_000));
  await recordEvent(db, SYSTEM, { action: "user.sign_in_failed", targetUser: grace.id }, new Date(T0 + 3 * 60_000));
  await recordEvent(db, { kind: "administrator", userId: ada.id, label: ada.email, tokenGuid: null }, { action: "policy.changed", details: { before: {}, after: {} } }, new Date(T0 + 9 * 60_000));
  // Whatever else the seed recorded (creating tokens records events too), read back as the expected answers.
  const ids = async (where: object) => (await db.auditEvent.findMany({ where, orderBy: [{ occurredAt: "desc" }, { id: "desc" }], select: { id: true } })).map((r) => r.id);
  return { ada, adaAdmin, adaPlain, grace, graceRead, graceWrite, guid, expected: { grace: await ids({ targetUser: grace.id }), ada: await ids({ targetUser: ada.id }), all: await ids({}) } };
}

// No usage flush while the tests run: its first one records "used from a new address" for the
// tokens these requests use, which would land between a page and its download (seen on PostgreSQL).
const api = useSeededServer(seed, { USAGE_FLUSH_SECONDS: "3600" });

async function get(path: string, token: string): Promise<Reply> {
  return api.call("GET", path, { token });
}

/** Every page of a query, by nextCursor. */
async function walk(path: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const reply = await get(`${path}${path.includes("?") ? "&" : "?"}${cursor ? `cursor=${cursor}` : ""}`, token);
    expect(reply.status).toBe(200);
    const page = auditEventPageSchema.parse(reply.body);
    ids.push(...page.events.map((e) => e.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe("GET /api/v1/audit-events", () => {
  test("a token with tokens:read gets its owner's events and no one else's, newest first, in the AuditEvent shape", async () => {
    const reply = await get("/api/v1/audit-events", api.seed.graceRead.secret);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    const page = auditEventPageSchema.parse(reply.body);
    expect(page.events.map((e) => e.id)).toEqual(api.seed.expected.grace);
    expect(page.events.every((e) => e.target.userId === api.seed.grace.id)).toBe(true);
    expect(page.events.find((e) => e.action === "token.revoked_by_admin")).toMatchObject({
      title: "Token revoked by an administrator",
      actor: { kind: "administrator", userId: api.seed.ada.id, label: api.seed.ada.email, tokenGuid: null },
      target: { userId: api.seed.grace.id, tokenGuid: api.seed.guid, scope: null },
      details: { name: "Grace reader", reason: "leaked, in logs" },
      ip: "198.51.100.9",
    });
  });

  test("pages of 2 cover every event once; limit 1 and 100 are the bounds", async () => {
    expect(await walk("/api/v1/audit-events?limit=2", api.seed.graceRead.secret)).toEqual(api.seed.expected.grace);
    expect(await walk("/api/v1/audit-events?limit=1&action=token.rotated", api.seed.graceRead.secret)).toHaveLength(7);
    expect((await get("/api/v1/audit-events?limit=100", api.seed.graceRead.secret)).status).toBe(200);
  });

  test("filters: kind, token, range", async () => {
    const ids = async (query: string) => auditEventPageSchema.parse((await get(`/api/v1/audit-events?${query}`, api.seed.graceRead.secret)).body).events;
    expect((await ids("action=admin")).map((e) => e.action)).toEqual(["token.revoked_by_admin"]);
    expect((await ids(`token=${api.seed.guid}&action=token.rotated,token.revoked_by_admin`)).length).toBe(8);
    const range = await ids("from=2031-03-01T00:02:00Z&to=2031-03-01T00:04:00.000%2B00:00&action=token.rotated");
    expect(range.map((e) => e.occurredAt)).toEqual(["2031-03-01T00:03:00.000Z", "2031-03-01T00:02:00.000Z"]);
    expect((await ids("from=2031-03-02")).length).toBe(0);
  });

  test("without tokens:read: 403 insufficient_scope", async () => {
    const reply = await get("/api/v1/audit-events", api.seed.graceWrite.secret);
    expect(reply.status).toBe(403);
    expect(errorSchema.parse(reply.body).error).toMatchObject({ code: "insufficient_scope", scope: "tokens:read" });
  });

  test.each(["ada", "all", "example.com"])("someone who is not an administrator asking for user=%s: 404 not_found", async (who) => {
    const user = who === "ada" ? api.seed.ada.id : who;
    const reply = await get(`/api/v1/audit-events?user=${user}`, api.seed.graceRead.secret);
    expect(reply.status).toBe(404);
    expect(errorSchema.parse(reply.body).error.code).toBe("not_found");
  });

  test("naming oneself is one's own log", async () => {
    const reply = await get(`/api/v1/audit-events?user=${api.seed.grace.id.toUpperCase()}`, api.seed.graceRead.secret);
    expect(reply.status).toBe(200);
    expect(reply.body.events.map((e: { id: string }) => e.id)).toEqual(api.seed.expected.grace);
  });

  test("an administrator's token with admin:read reads anyone's, or every account's with user=all", async () => {
    expect(await walk(`/api/v1/audit-events?user=${api.seed.grace.id}`, api.seed.adaAdmin.secret)).toEqual(api.seed.expected.grace);
    expect(await walk(`/api/v1/audit-events?user=${encodeURIComponent(api.seed.grace.email)}`, api.seed.adaAdmin.secret)).toEqual(api.seed.expected.grace);
    expect(await walk("/api/v1/audit-events?user=all&limit=100", api.seed.adaAdmin.secret)).toEqual(api.seed.expected.all);
    expect(await walk("/api/v1/audit-events", api.seed.adaAdmin.secret)).toEqual(api.seed.expected.ada);
    const byAda = auditEventPageSchema.parse((await get(`/api/v1/audit-events?user=all&actor=${api.seed.ada.id}&action=admin`, api.seed.adaAdmin.secret)).body);
    expect(byAda.events.map((e) => e.action)).toEqual(["policy.changed", "token.revoked_by_admin"]);
  });

  test("an administrator's token without admin:read asking for another account: 403 naming admin:read", async () => {
    const reply = await get(`/api/v1/audit-events?user=${api.seed.grace.id}`, api.seed.adaPlain.secret);
    expect(reply.status).toBe(403);
    expect(errorSchema.parse(reply.body).error).toMatchObject({ code: "insufficient_scope", scope: "admin:read" });
  });

  test.each([
    ["colour=red", "colour"],
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=ten", "limit"],
    ["action=token.exploded", "action"],
    ["token=3f2b8c1e", "token"],
    ["from=2031-03-01T00:00:00", "from"],
    ["from=2031-03-02&to=2031-03-01", "to"],
    ["cursor=not-ours", "cursor"],
    ["limit=5&limit=6", "limit"],
  ])("?%s: 400 invalid_request naming %s", async (query, field) => {
    const reply = await get(`/api/v1/audit-events?${query}`, api.seed.graceRead.secret);
    expect(reply.status).toBe(400);
    const { error } = errorSchema.parse(reply.body);
    expect(error.code).toBe("invalid_request");
    expect(Object.keys(error.fields ?? {})).toEqual([field]);
  });
});

/** The rows of a log page as its HTML has them: each event's id and the sentence saying what happened. */
function pageRows(html: string): { id: string; description: string }[] {
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return [...html.matchAll(/data-event-id="([^"]+)"[^>]*>\s*<th[^>]*>\s*<span[^>]*>([^<]*)<\/span>/g)].map((m) => ({ id: m[1]!, description: decode(m[2]!) }));
}

describe("the downloads", () => {
  let grace: WebSession;
  let ada: WebSession;
  beforeAll(async () => {
    grace = await signInOverHttp(api.server.baseUrl, { email: api.seed.grace.email, password: TEST_PASSWORD });
    ada = await signInOverHttp(api.server.baseUrl, { email: api.seed.ada.email, password: TEST_PASSWORD });
  });

  test("the CSV holds exactly the page's events for the same filter, each said in the same words, formulas defused", async () => {
    const filter = `action=tokens&token=${api.seed.guid}`;
    const html = await (await grace.get(`/settings/security-log?${filter}&limit=100`)).text();
    const shown = pageRows(html);
    expect(shown.length).toBeGreaterThanOrEqual(8);

    const response = await grace.get(`/settings/security-log/export?format=csv&${filter}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="tollgate-security-log-\d{8}T\d{4}Z\.csv"$/);
    const [header, ...rows] = parseCsv(await response.text());
    const cells = rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]!])));
    expect(cells.map((c) => ({ id: c.id, description: c.description }))).toEqual(shown);
    const revoked = cells.find((c) => c.action === "token.revoked_by_admin")!;
    expect(revoked).toMatchObject({ description: "Revoked “Grace reader” — reason: leaked, in logs", actor: `Administrator ${api.seed.ada.email}`, ip: "198.51.100.9" });
    expect(revoked.userAgent).toBe(`'${CLIENT.userAgent}`);
  });

  test("JSON Lines: one AuditEvent a line, the same events as the page and as the API", async () => {
    const html = await (await grace.get("/settings/security-log?limit=100")).text();
    const response = await grace.get("/settings/security-log/export?format=jsonl");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/filename="tollgate-security-log-\d{8}T\d{4}Z\.jsonl"$/);
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.slice(0, -1).split("\n").map((line) => auditEventPageSchema.shape.events.element.parse(JSON.parse(line)));
    expect(lines.map((e) => e.id)).toEqual(pageRows(html).map((r) => r.id));
    const fromApi = auditEventPageSchema.parse((await get("/api/v1/audit-events?limit=100", api.seed.graceRead.secret)).body).events;
    expect(lines).toEqual(fromApi);
  });

  test("the audit log's download holds every account's events, those about no account included (a page's limit does not bound it)", async () => {
    const csv = parseCsv(await (await ada.get(`/admin/audit-log/export?format=csv&limit=1`)).text());
    expect(csv.length - 1).toBeGreaterThanOrEqual(api.seed.expected.all.length);
  });

  test("the audit log's download is an administrator's: anyone else gets 404", async () => {
    const refused = await grace.get("/admin/audit-log/export?format=csv");
    expect(refused.status).toBe(404);
    const allowed = await ada.get(`/admin/audit-log/export?format=jsonl&user=${api.seed.grace.id}`);
    expect(allowed.status).toBe(200);
    const ids = (await allowed.text()).trim().split("\n").map((line) => JSON.parse(line).id);
    expect(ids).toEqual(expect.arrayContaining(api.seed.expected.grace));
  });

  test("the audit log's CSV holds exactly what its page shows for the same account, actor and kind, in the same words", async () => {
    const filter = `user=${encodeURIComponent(api.seed.grace.email)}&actor=${api.seed.ada.id}&action=admin`;
    const shown = pageRows(await (await ada.get(`/admin/audit-log?${filter}&limit=100`)).text());
    expect(shown.map((row) => row.description)).toEqual(["Revoked “Grace reader” — reason: leaked, in logs"]);
    const [header, ...rows] = parseCsv(await (await ada.get(`/admin/audit-log/export?format=csv&${filter}`)).text());
    const cells = rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]!])));
    expect(cells.map((c) => ({ id: c.id, description: c.description }))).toEqual(shown);
    expect(cells[0]).toMatchObject({ actorUserId: api.seed.ada.id, targetUserId: api.seed.grace.id, targetTokenGuid: api.seed.guid });
  });

  test("a format that is not csv or jsonl: 400", async () => {
    const response = await grace.get("/settings/security-log/export?format=xlsx");
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("format must be one of: csv, jsonl.\n");
  });

  test("signed out: sent to sign in, and back to the log", async () => {
    const response = await fetch(`${api.server.baseUrl}/settings/security-log/export?format=csv`, { redirect: "manual" });
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toMatch(/\/signin\?callbackUrl=%2Fsettings%2Fsecurity-log%2Fexport/);
    const stale = await fetch(`${api.server.baseUrl}/settings/security-log/export?format=csv`, { redirect: "manual", headers: { cookie: "next-auth.session-token=forged" } });
    expect(stale.status).toBe(307);
    expect(stale.headers.get("location")).toBe("/signin?callbackUrl=%2Fsettings%2Fsecurity-log");
  });
});
