import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { useSeededServer } from "./http";
import { createUser } from "../helpers/users";

jest.setTimeout(180_000);

/**
 * GET /api/v1/tokens?unused=…: the server's clock is its own, so the 30-day boundary is pinned
 * within a minute either side (the database test pins it to the millisecond).
 */
const DAY = 86_400_000;
const MINUTE = 60_000;

const api = useSeededServer(async () => {
  const now = Date.now();
  const user = await createUser({ scopes: ["tokens:read"] });
  const other = await createUser({ scopes: ["tokens:read"] });
  const db = await prisma();
  const make = async (userId: string, name: string, createdAt: number, lastUsedAt: number | null) => {
    const made = await createToken(userId, { name, scopes: ["tokens:read"], validTo: null });
    await db.token.update({ where: { guid: made.token.guid }, data: { createdAt: new Date(createdAt), lastUsedAt: lastUsedAt === null ? null : new Date(lastUsedAt) } });
    return made;
  };
  // The caller: used "now" as far as the filter is concerned (its own requests are flushed later).
  const caller = await make(user.id, "Caller", now, now);
  await make(user.id, "Used 30 days and a minute ago", now - 100 * DAY, now - 30 * DAY - MINUTE);
  await make(user.id, "Used 30 days less 10 minutes ago", now - 100 * DAY, now - 30 * DAY + 10 * MINUTE);
  await make(user.id, "Never used, 31 days old", now - 31 * DAY, null);
  await make(user.id, "Used 400 days ago", now - 500 * DAY, now - 400 * DAY);
  await make(other.id, "Someone else's, never used", now - 900 * DAY, null);
  return { secret: caller.secret };
}, {});

const names = async (query: string) => {
  const reply = await api.call("GET", `/api/v1/tokens?${query}&sort=name&order=asc`, { token: api.seed.secret });
  expect(reply.status).toBe(200);
  return (reply.body.tokens as { name: string }[]).map((t) => t.name);
};

test.each([
  ["unused=30", ["Never used, 31 days old", "Used 30 days and a minute ago", "Used 400 days ago"]],
  ["unused=90", ["Used 400 days ago"]],
  ["unused=365", ["Used 400 days ago"]],
  ["unused=never", ["Never used, 31 days old"]],
])("%s lists exactly the caller's tokens unused that long", async (query, expected) => {
  expect(await names(query)).toEqual(expected);
});

test("an unknown value is 400 naming the parameter and the values allowed", async () => {
  const reply = await api.call("GET", "/api/v1/tokens?unused=60", { token: api.seed.secret });
  expect([reply.status, reply.body.error.code, reply.body.error.fields]).toEqual([400, "invalid_request", { unused: ["unused must be one of: 30, 90, 365, never (or empty)."] }]);
});
