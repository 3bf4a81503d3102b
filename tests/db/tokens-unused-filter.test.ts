import { prisma } from "@/lib/db";
import { listAllTokens } from "@/lib/admin/token-inventory";
import { createToken, listTokens } from "@/lib/tokens/service";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

/** The person's "unused" filter, and that it is the inventory's condition exactly. */
useFreshDatabase();

const DAY = 86_400_000;
const NOW = new Date("2032-06-01T12:00:00.000Z");
const at = (ms: number) => new Date(NOW.getTime() + ms);

let userId: string;
beforeAll(async () => {
  const user = await createUser({ scopes: ["tokens:read"] });
  userId = user.id;
  const other = await createUser({ scopes: ["tokens:read"] });
  const db = await prisma();
  const rows: [string, Date, Date | null][] = [
    ["used exactly 30 days ago", at(-100 * DAY), at(-30 * DAY)],
    ["used 30 days ago less 1 ms", at(-100 * DAY), at(-30 * DAY + 1)],
    ["used 90 days ago", at(-100 * DAY), at(-90 * DAY)],
    ["used 365 days ago", at(-400 * DAY), at(-365 * DAY)],
    ["never used, created 30 days ago", at(-30 * DAY), null],
    ["never used, created 30 days ago less 1 ms", at(-30 * DAY + 1), null],
  ];
  for (const [name, createdAt, lastUsedAt] of rows) {
    const { token } = await createToken(userId, { name, scopes: ["tokens:read"], validTo: null }, NOW);
    await db.token.update({ where: { guid: token.guid }, data: { createdAt, lastUsedAt } });
  }
  // Another person's stale token is never in this person's list.
  const { token } = await createToken(other.id, { name: "someone else's, never used", scopes: ["tokens:read"], validTo: null }, NOW);
  await db.token.update({ where: { guid: token.guid }, data: { createdAt: at(-1000 * DAY) } });
});

const names = async (unused: string) => (await listTokens(userId, { unused, sort: "name", order: "asc", perPage: 100 }, NOW)).tokens.map((t) => t.name);

test.each([
  ["30", ["never used, created 30 days ago", "used 365 days ago", "used 90 days ago", "used exactly 30 days ago"]],
  ["90", ["used 365 days ago", "used 90 days ago"]],
  ["365", ["used 365 days ago"]],
  ["never", ["never used, created 30 days ago", "never used, created 30 days ago less 1 ms"]],
])("unused=%s: exactly the tokens unused for that long (the instant itself counts)", async (unused, expected) => {
  expect(await names(unused)).toEqual(expected);
});

test("without the filter every token is listed; an unknown value is a validation error naming the field", async () => {
  expect(await names("")).toHaveLength(6);
  await expect(listTokens(userId, { unused: "60" }, NOW)).rejects.toMatchObject({ fieldErrors: { unused: ["unused must be one of: 30, 90, 365, never (or empty)."] } });
});

test("the person's list and the inventory agree on every value", async () => {
  for (const unused of ["30", "90", "365", "never"]) {
    const inventory = await listAllTokens({ owner: userId, unused, perPage: 100 }, NOW);
    expect(inventory.tokens.map((t) => t.name).sort()).toEqual([...(await names(unused))].sort());
  }
});
