import { isDatabaseUnavailable, NotFoundError, ValidationError } from "@/lib/errors";

describe("isDatabaseUnavailable", () => {
  test.each([
    ["Prisma: database not reachable", { code: "P1001" }],
    ["Prisma: connection closed", { code: "P1017" }],
    ["Prisma: no free connection in the pool", { code: "P2024" }],
    ["pg: connection refused", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["PostgreSQL shutting down", { code: "57P01" }],
    ["a refusal from every address of the host", new AggregateError([Object.assign(new Error("refused"), { code: "ECONNREFUSED" })])],
    ["a refusal wrapped as a cause", new Error("query failed", { cause: { code: "ETIMEDOUT" } })],
  ])("%s is an outage", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  test.each([
    ["a unique violation", { code: "P2002" }],
    ["a record not found", { code: "P2025" }],
    ["a plain bug", new TypeError("x is undefined")],
    ["a validation error", new ValidationError({ name: ["Required"] })],
    ["a not-found error", new NotFoundError()],
    ["nothing at all", undefined],
    ["a string", "ECONNREFUSED"],
  ])("%s is not", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  test("an error that is its own cause does not loop", () => {
    const error = new Error("loop") as Error & { cause?: unknown };
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
