import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import { Prisma } from "@/lib/generated/prisma/client";
import { isDatabaseUnavailable, loggable, NotFoundError, ValidationError } from "@/lib/errors";

/** What Prisma 7 throws when the pg adapter reports a PostgreSQL error it has no code of its own for. */
function prismaDatabaseError(pgCode: string, prismaCode = "P2039") {
  const driverAdapterError = new DriverAdapterError({
    kind: "postgres",
    code: pgCode,
    severity: "FATAL",
    message: "terminating connection due to administrator command",
    originalCode: pgCode,
    originalMessage: "terminating connection due to administrator command",
  } as ConstructorParameters<typeof DriverAdapterError>[0]);
  return new Prisma.PrismaClientKnownRequestError(`Database error. Code: \`${pgCode}\``, {
    code: prismaCode,
    clientVersion: "7",
    meta: { driverAdapterError },
  });
}

describe("isDatabaseUnavailable", () => {
  test.each([
    ["Prisma: database not reachable", { code: "P1001" }],
    ["Prisma: connection closed", { code: "P1017" }],
    ["Prisma: no free connection in the pool", { code: "P2024" }],
    ["pg: connection refused", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["PostgreSQL shutting down", { code: "57P01" }],
    ["a refusal from every address of the host", new AggregateError([Object.assign(new Error("refused"), { code: "ECONNREFUSED" })])],
    ["a refusal wrapped as a cause", new Error("query failed", { cause: { code: "ETIMEDOUT" } })],
    ["Prisma's P2039 for PostgreSQL's fast shutdown (57P01)", prismaDatabaseError("57P01")],
    ["Prisma's P2039 for a server that is starting up (57P03)", prismaDatabaseError("57P03")],
    ["Prisma's P2010 (raw query) for 57P01", prismaDatabaseError("57P01", "P2010")],
    [
      "Prisma's P2010 (raw query) for a server it cannot reach",
      new Prisma.PrismaClientKnownRequestError("Raw query failed.", {
        code: "P2010",
        clientVersion: "7",
        meta: { driverAdapterError: new DriverAdapterError({ kind: "DatabaseNotReachable" } as ConstructorParameters<typeof DriverAdapterError>[0]) },
      }),
    ],
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
    ["Prisma's P2039 for a division by zero (22012)", prismaDatabaseError("22012")],
  ])("%s is not", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  test("an error that is its own cause does not loop", () => {
    const error = new Error("loop") as Error & { cause?: unknown };
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe("loggable", () => {
  test("an outage is one line, without a stack", () => {
    expect(loggable(prismaDatabaseError("57P01"))).toBe("Database error. Code: `57P01`");
  });

  test("anything else is logged whole", () => {
    const bug = new TypeError("x is undefined");
    expect(loggable(bug)).toBe(bug);
    const other = prismaDatabaseError("22012");
    expect(loggable(other)).toBe(other);
  });
});
