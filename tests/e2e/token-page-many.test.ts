import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db";
import { TOKEN_LIST_COUNT_LIMIT } from "@/lib/tokens/service";
import { tokenNames, useSeededAppInBrowser } from "@/tests/helpers/browser";
import { createUser } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/**
 * More tokens than the list counts (TOKEN_LIST_COUNT_LIMIT + 25): the page says "more than", offers
 * no last page, and Next leads page by page to the last tokens, where no Next is offered. Rows are
 * inserted with createMany, as thousands of createToken calls would take minutes.
 */
const TOTAL = TOKEN_LIST_COUNT_LIMIT + 25;
const name = (i: number) => `bulk ${String(i).padStart(5, "0")}`;

const app = useSeededAppInBrowser(async () => {
  const user = await createUser({ name: "Many Tokens", scopes: ["tokens:read", "tokens:write"] });
  const db = await prisma();
  const now = Date.now();
  await db.token.createMany({
    data: Array.from({ length: TOTAL }, (_, i) => ({
      guid: randomUUID(),
      userId: user.id,
      name: name(i),
      partial: "tgp_bulk…0000",
      validFrom: new Date(now - 86_400_000),
      createdAt: new Date(now - 86_400_000 + i * 1000),
    })),
  });
  return user;
});

test("past the count's limit the page says “more than”, and Next reaches the last tokens", async () => {
  const { page } = app;
  const perPage = 100;
  const lastPage = Math.ceil(TOTAL / perPage);
  await page.goto(`/settings/tokens?sort=name&order=asc&perPage=${perPage}&page=${lastPage - 1}`);
  const first = (lastPage - 2) * perPage + 1;
  await page.getByText(`Showing ${first.toLocaleString("en")}–${(first + perPage - 1).toLocaleString("en")} of more than ${TOKEN_LIST_COUNT_LIMIT.toLocaleString("en")} tokens`, { exact: true }).waitFor();
  const pages = page.getByRole("navigation", { name: "Pages" });
  // The pages around this one and the next, never a last page the count did not reach.
  expect(await pages.getByRole("link").allTextContents()).toEqual(["Previous", "1", String(lastPage - 3), String(lastPage - 2), String(lastPage - 1), String(lastPage), "Next"]);

  await pages.getByRole("link", { name: "Next" }).click();
  await page.waitForURL((url) => url.searchParams.get("page") === String(lastPage));
  await page.getByText(`Showing ${((lastPage - 1) * perPage + 1).toLocaleString("en")}–${TOTAL.toLocaleString("en")} of more than ${TOKEN_LIST_COUNT_LIMIT.toLocaleString("en")} tokens`, { exact: true }).waitFor();
  expect(await tokenNames(page)).toEqual(Array.from({ length: TOTAL - (lastPage - 1) * perPage }, (_, k) => name((lastPage - 1) * perPage + k)));
  expect(await pages.getByRole("link", { name: "Next" }).count()).toBe(0);
});
