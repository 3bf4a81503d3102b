import "server-only";
import { prisma } from "@/lib/db";
import { boundedCount, type BoundedTotal } from "@/lib/db/bounded-count";
import { ValidationError, fieldErrorsOf } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { getPolicies, policyBreachSql, type Policies } from "@/lib/policies/service";
import { tokenInclude, toView, type TokenView } from "@/lib/tokens/service";
import { unusedSql } from "@/lib/tokens/unused";
import { guidSchema } from "@/lib/validation/tokens";
import { inventoryQuerySchema, type InventoryQuery, type InventorySort } from "@/lib/validation/admin-tokens";
import { z } from "@/lib/validation/zod";

/**
 * Every user's tokens, for administrators (/admin/tokens, GET /api/v1/admin/tokens). Built for
 * a million tokens on PostgreSQL: pages are reached by cursor (keyset), never by OFFSET, each
 * sort walks an index, and the total is counted up to COUNT_LIMIT only. docs/performance.md,
 * "Token inventory at 1,000,000 tokens", has the plans' numbers. No secret or hash is read.
 */

export const COUNT_LIMIT = 10_000;

export type InventoryOwner = { id: string; email: string; name: string };
export type InventoryItem = TokenView & { owner: InventoryOwner; breaksPolicy: boolean };
/** `total`: matching tokens, counted up to COUNT_LIMIT; `totalIsExact` false means "more than that". */
export type InventoryPage = BoundedTotal & {
  tokens: InventoryItem[];
  nextCursor: string | null;
  prevCursor: string | null;
  /** What the person should know about the answer (a filter that cannot match, for one). */
  notices: string[];
};

type ColumnType = "timestamp" | "text" | "uuid";
type Column = { sql: Prisma.Sql; type: ColumnType; field: "created_at" | "last_used_at" | "valid_to" | "name" | "email" | "guid" };
type Direction = "asc" | "desc";
/** One run of the order: rows matching `where`, ordered by `key` (the last column always the GUID). */
type Segment = { where: Prisma.Sql; key: Column[]; dir: Direction };

const col = (sql: string, type: ColumnType, field: Column["field"]): Column => ({ sql: Prisma.raw(sql), type, field });
const GUID = col(`t."guid"`, "uuid", "guid");
const CREATED = [col(`t."created_at"`, "timestamp", "created_at"), GUID];
const LAST_USED = [col(`t."last_used_at"`, "timestamp", "last_used_at"), GUID];
const VALID_TO = [col(`t."valid_to"`, "timestamp", "valid_to"), GUID];
const NAME = [col(`t."name"`, "text", "name"), GUID];
const EMAIL = [col(`u."email"`, "text", "email"), GUID];

function statusSql(status: "active" | "scheduled" | "expired" | "revoked" | "inactive", now: Date): Prisma.Sql {
  switch (status) {
    case "active":
      return Prisma.sql`(t."revoked_at" IS NULL AND t."valid_from" <= ${now} AND (t."valid_to" IS NULL OR t."valid_to" > ${now}))`;
    case "scheduled":
      return Prisma.sql`(t."revoked_at" IS NULL AND t."valid_from" > ${now} AND (t."valid_to" IS NULL OR t."valid_to" > ${now}))`;
    case "expired":
      return Prisma.sql`(t."revoked_at" IS NULL AND t."valid_to" <= ${now})`;
    case "revoked":
      return Prisma.sql`(t."revoked_at" IS NOT NULL)`;
    case "inactive":
      return Prisma.sql`(t."revoked_at" IS NOT NULL OR t."valid_from" > ${now} OR t."valid_to" <= ${now})`;
  }
}

const ALL = Prisma.sql`TRUE`;

/**
 * The order of each sort as segments, so that every segment is one index walk: NULLs ("never
 * used" counts as the oldest use, "never expires" as the latest expiry) and the statuses
 * (computed from the clock, held by no column) are segments of their own, newest first within.
 */
function segmentsFor(sort: InventorySort, order: Direction, now: Date): Segment[] {
  const inOrder = (segments: Segment[]) => (order === "asc" ? segments : [...segments].reverse());
  switch (sort) {
    case "created":
      return [{ where: ALL, key: CREATED, dir: order }];
    case "name":
      return [{ where: ALL, key: NAME, dir: order }];
    case "owner":
      return [{ where: ALL, key: EMAIL, dir: order }];
    case "lastUsed":
      return inOrder([
        { where: Prisma.sql`t."last_used_at" IS NULL`, key: CREATED, dir: order },
        { where: Prisma.sql`t."last_used_at" IS NOT NULL`, key: LAST_USED, dir: order },
      ]);
    case "expires":
      return inOrder([
        { where: Prisma.sql`t."valid_to" IS NOT NULL`, key: VALID_TO, dir: order },
        { where: Prisma.sql`t."valid_to" IS NULL`, key: CREATED, dir: order },
      ]);
    case "status":
      return inOrder(
        (["active", "scheduled", "expired", "revoked"] as const).map((status) => ({ where: statusSql(status, now), key: CREATED, dir: "desc" as const })),
      );
  }
}

/** "Breaks policy", for the filter and each row's flag alike: the policies' own rule (lib/policies/service.ts). */
function breaksPolicySql(policies: Policies, now: Date): Prisma.Sql {
  return policyBreachSql(policies, now) ?? Prisma.sql`FALSE`;
}

const DAY_MS = 86_400_000;
const daysFrom = (now: Date, days: number) => new Date(now.getTime() + days * DAY_MS);
const literalPattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

function filterSql(query: InventoryQuery, policies: Policies, now: Date): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (query.owner) {
    conditions.push(
      guidSchema.safeParse(query.owner).success
        ? Prisma.sql`t."user_id" = ${query.owner.toLowerCase()}::uuid`
        : Prisma.sql`t."user_id" IN (SELECT "id" FROM "users" WHERE "email" ILIKE ${literalPattern(query.owner)} OR "name" ILIKE ${literalPattern(query.owner)})`,
    );
  }
  if (query.scope) conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "token_scopes" s WHERE s."token_guid" = t."guid" AND s."scope_name" = ${query.scope})`);
  if (query.status !== "all") conditions.push(statusSql(query.status, now));
  if (query.unused) conditions.push(unusedSql(query.unused, now));
  if (query.expiring) {
    conditions.push(Prisma.sql`(t."revoked_at" IS NULL AND t."valid_to" > ${now} AND t."valid_to" <= ${daysFrom(now, Number(query.expiring))})`);
  }
  if (query.breaksPolicy) conditions.push(breaksPolicySql(policies, now));
  return conditions;
}

// The cursor: the sort it belongs to, the segment and key of the row it stands for, and which way it points.
const cursorSchema = z.object({
  sort: z.string(),
  order: z.enum(["asc", "desc"]),
  dir: z.enum(["next", "prev"]),
  segment: z.number().int().min(0).max(3),
  key: z.array(z.string().max(254)).min(2).max(2),
});
type Cursor = z.infer<typeof cursorSchema>;

const BAD_CURSOR = "This cursor is not one Tollgate gave out for this sort and order. Start again from the first page (no cursor).";

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(raw: string, query: InventoryQuery, segments: Segment[]): Cursor {
  let cursor: Cursor;
  try {
    cursor = cursorSchema.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    throw new ValidationError({ cursor: [BAD_CURSOR] }, "Some query parameters are not valid.");
  }
  const segment = segments[cursor.segment];
  const valid =
    cursor.sort === query.sort &&
    cursor.order === query.order &&
    segment !== undefined &&
    segment.key.every((column, i) => isValue(column.type, cursor.key[i]!));
  if (!valid) throw new ValidationError({ cursor: [BAD_CURSOR] }, "Some query parameters are not valid.");
  return cursor;
}

function isValue(type: ColumnType, value: string): boolean {
  if (type === "uuid") return guidSchema.safeParse(value).success;
  if (type === "timestamp") return z.iso.datetime().safeParse(value).success;
  return true;
}

function bind(column: Column, value: string): Prisma.Sql {
  if (column.type === "timestamp") return Prisma.sql`${new Date(value)}::timestamptz`;
  if (column.type === "uuid") return Prisma.sql`${value}::uuid`;
  return Prisma.sql`${value}`;
}

type KeyRow = { guid: string; created_at: Date; last_used_at: Date | null; valid_to: Date | null; name: string; email: string; breaks_policy: boolean };

function keyOf(row: KeyRow, segment: Segment): string[] {
  return segment.key.map((column) => {
    const value = row[column.field];
    return value instanceof Date ? value.toISOString() : String(value);
  });
}

/**
 * One index walk: up to `limit` rows of a segment, in its order (`forward`) or against it,
 * after (or before) `from` when given.
 */
async function walk(
  db: Awaited<ReturnType<typeof prisma>>,
  filters: Prisma.Sql[],
  flag: Prisma.Sql,
  segment: Segment,
  forward: boolean,
  from: string[] | null,
  limit: number,
): Promise<KeyRow[]> {
  const ascending = (segment.dir === "asc") === forward;
  const key = Prisma.join(segment.key.map((c) => c.sql));
  const conditions = [...filters, segment.where];
  if (from) {
    const values = Prisma.join(segment.key.map((column, i) => bind(column, from[i]!)));
    conditions.push(ascending ? Prisma.sql`(${key}) > (${values})` : Prisma.sql`(${key}) < (${values})`);
    // A bound on the leading column alone lets the planner start the owner sort's walk of users at the cursor's email.
    const lead = segment.key[0]!;
    if (lead.field === "email") conditions.push(ascending ? Prisma.sql`${lead.sql} >= ${bind(lead, from[0]!)}` : Prisma.sql`${lead.sql} <= ${bind(lead, from[0]!)}`);
  }
  const direction = Prisma.raw(ascending ? "ASC" : "DESC");
  const orderBy = Prisma.join(segment.key.map((c) => Prisma.sql`${c.sql} ${direction}`));
  return db.$queryRaw<KeyRow[]>`
    SELECT t."guid"::text AS guid, t."created_at", t."last_used_at", t."valid_to", t."name", u."email", ${flag} AS breaks_policy
    FROM "tokens" t JOIN "users" u ON u."id" = t."user_id"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY ${orderBy}
    LIMIT ${limit}`;
}

type Located = { row: KeyRow; segment: number };

/** Up to `limit` rows from the cursor on (or back), crossing into the next segments as each runs out. */
async function collect(
  db: Awaited<ReturnType<typeof prisma>>,
  filters: Prisma.Sql[],
  flag: Prisma.Sql,
  segments: Segment[],
  cursor: Cursor | null,
  limit: number,
): Promise<Located[]> {
  const forward = cursor?.dir !== "prev";
  const found: Located[] = [];
  const start = cursor?.segment ?? 0;
  for (let s = start; s >= 0 && s < segments.length && found.length < limit; s += forward ? 1 : -1) {
    const from = cursor && s === start ? cursor.key : null;
    const rows = await walk(db, filters, flag, segments[s]!, forward, from, limit - found.length);
    found.push(...rows.map((row) => ({ row, segment: s })));
  }
  return forward ? found : found.reverse();
}

function countUpTo(db: Awaited<ReturnType<typeof prisma>>, filters: Prisma.Sql[]) {
  const where = filters.length ? Prisma.join(filters, " AND ") : ALL;
  return async (rows: number) => {
    const [{ count }] = await db.$queryRaw<[{ count: number }]>`
      SELECT count(*)::int AS count FROM (SELECT 1 FROM "tokens" t WHERE ${where} LIMIT ${rows}) AS matching`;
    return count;
  };
}

export const NO_POLICY_NOTICE =
  "No policy limits token lifetimes or rotation overlaps, so no token breaks a policy. Set one on the Policies page.";

/**
 * One page of the inventory. The query is validated here like every other input; an invalid one
 * (or a cursor of another sort) is a ValidationError naming the field.
 */
export async function listAllTokens(input: unknown = {}, now = new Date()): Promise<InventoryPage> {
  const parsed = inventoryQuerySchema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues), "Some query parameters are not valid.");
  const query = parsed.data;
  const segments = segmentsFor(query.sort, query.order, now);
  const cursor = query.cursor ? decodeCursor(query.cursor, query, segments) : null;
  const policies = await getPolicies();
  const filters = filterSql(query, policies, now);
  const flag = breaksPolicySql(policies, now);
  const db = await prisma();

  // Counted alongside the walk (its own connection): for a filter matching a few percent of the tokens, the count is the slower part.
  const counting = boundedCount(countUpTo(db, filters), COUNT_LIMIT);
  counting.catch(() => undefined); // awaited below; if the walk fails first, its failure is the one reported
  // One row more than a page tells whether there is another page that way.
  let located = await collect(db, filters, flag, segments, cursor, query.perPage + 1);
  let hasNext: boolean;
  let hasPrev: boolean;
  if (cursor?.dir === "prev") {
    hasPrev = located.length > query.perPage;
    if (hasPrev) located = located.slice(1);
    hasNext = true;
    // Back at the start with a short page: show the first page whole.
    if (!hasPrev && located.length < query.perPage) {
      located = await collect(db, filters, flag, segments, null, query.perPage + 1);
      hasNext = located.length > query.perPage;
      located = located.slice(0, query.perPage);
    }
  } else {
    hasNext = located.length > query.perPage;
    located = located.slice(0, query.perPage);
    hasPrev = cursor !== null;
  }

  const [counted, details] = await Promise.all([
    counting,
    db.token.findMany({
      where: { guid: { in: located.map(({ row }) => row.guid) } },
      include: { ...tokenInclude(now), user: { select: { id: true, email: true, name: true } } },
    }),
  ]);
  const byGuid = new Map(details.map((row) => [row.guid, row]));
  const tokens = located.flatMap(({ row }) => {
    const detail = byGuid.get(row.guid);
    // Deleted between the two reads: left out rather than shown half.
    return detail ? [{ ...toView(detail, now), owner: detail.user, breaksPolicy: row.breaks_policy }] : [];
  });
  const cursorAt = (item: Located | undefined, dir: "next" | "prev") =>
    item ? encodeCursor({ sort: query.sort, order: query.order, dir, segment: item.segment, key: keyOf(item.row, segments[item.segment]!) }) : null;

  const noPolicy = query.breaksPolicy && policies.maxTokenLifetimeDays === null && policies.maxRotationOverlapSeconds === null;
  return {
    tokens,
    ...counted,
    nextCursor: hasNext ? cursorAt(located.at(-1), "next") : null,
    prevCursor: hasPrev ? cursorAt(located[0], "prev") : null,
    notices: noPolicy ? [NO_POLICY_NOTICE] : [],
  };
}
