import { performance } from "node:perf_hooks";
import { closeDatabase } from "@/lib/db";
import { listEvents, type EventFilter } from "@/lib/audit/query";
import { EVENT_KINDS } from "@/lib/validation/audit-events";

/**
 * The security log's and the audit log's pages at scale: `DATABASE_URL` names a PostgreSQL
 * database holding the events to read (docs/performance.md, "The audit log at 1,000,000 events",
 * says how they were written). Prints the p50 and p90 of 21 calls of listEvents per view.
 */
const HEAVY = process.env.HEAVY_USER ?? "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const TOKEN = process.env.HEAVY_TOKEN ?? "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

async function deepCursor(filter: EventFilter, pages: number): Promise<string> {
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) cursor = (await listEvents(filter, { cursor, limit: 100 })).nextCursor ?? cursor;
  return cursor!;
}

async function time(label: string, filter: EventFilter, cursor?: string) {
  const runs: number[] = [];
  let shown = 0;
  for (let i = 0; i < 21; i++) {
    const start = performance.now();
    shown = (await listEvents(filter, { cursor, limit: 50 })).events.length;
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  console.log(`| ${label} | ${runs[10]!.toFixed(1)} | ${runs[18]!.toFixed(1)} | ${shown} |`);
}

async function main() {
  console.log("| view (50 per page) | p50 ms | p90 ms | shown |\n| --- | ---: | ---: | ---: |");
  const own = { targetUser: HEAVY };
  await time("one account (200,000 events), newest", own);
  await time("the same, 500 pages deep", own, await deepCursor(own, 500));
  await time("its kind “tokens” (none of its events)", { ...own, actions: [...EVENT_KINDS.tokens.actions].filter((a) => a !== "token.new_address") });
  await time("its kind “account”", { ...own, actions: [...EVENT_KINDS.account.actions] });
  await time("its password changes (200)", { ...own, actions: ["user.password_changed"] });
  await time("its token, about it or made with it (50,000)", { ...own, token: TOKEN });
  await time("its events in one week", { ...own, from: new Date("2030-06-01T00:00:00Z"), to: new Date("2030-06-08T00:00:00Z") });
  await time("every account, newest", {});
  await time("every account, 9,000 pages deep", {}, await deepCursor({}, 9000));
  await time("every account, kind “admin” (none)", { actions: [...EVENT_KINDS.admin.actions] });
  await time("every account, one token", { token: TOKEN });
  await closeDatabase();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
