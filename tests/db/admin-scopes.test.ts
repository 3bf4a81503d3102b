import type { AdminActor } from "@/lib/admin/actor";
import { prisma } from "@/lib/db";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { BUILT_IN_SCOPES, BUILT_IN_SCOPE_NAMES } from "@/lib/scopes/built-in";
import {
  adminScopeCatalogue,
  createScope,
  defaultScopesForNewAccounts,
  editScope,
  getCatalogueScope,
  grantScope,
  retireScope,
  scopeCatalogue,
} from "@/lib/scopes/service";
import { onTokenChange } from "@/lib/tokens/events";
import { createToken, getToken, heldScopes, revokeToken } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

// Read by config() when the database opens: two usable defaults, an administrators' scope, a name
// the catalogue lacks, and a custom scope the tests create (and retire) before anyone signs up.
process.env.DEFAULT_SCOPES = "tokens:read,tokens:write,admin:read,no-such:scope,legacy:read";

useFreshDatabase();

let admin: AdminActor;

beforeAll(async () => {
  const user = await createUser({ name: "Ada Admin", scopes: [] });
  await (await prisma()).user.update({ where: { id: user.id }, data: { isAdmin: true } });
  admin = { userId: user.id, email: user.email, tokenGuid: null, ip: "192.0.2.7", userAgent: "jest" };
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

async function fieldErrors(promise: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fieldErrors;
}

async function eventsFor(scope: string) {
  const events = await (await prisma()).auditEvent.findMany({ where: { targetScope: scope }, orderBy: { occurredAt: "asc" } });
  return events.map((e) => ({ action: e.action, actorUserId: e.actorUserId, actorKind: e.actorKind, ip: e.ip, details: e.details }));
}

const actorOf = () => ({ actorUserId: admin.userId, actorKind: "administrator", ip: "192.0.2.7" });

describe("the catalogue", () => {
  test("lists every built-in scope with the code's description, which are administrators' own, and the defaults of DEFAULT_SCOPES", async () => {
    const catalogue = await adminScopeCatalogue();
    const builtIn = catalogue.filter((s) => s.builtIn);
    expect(builtIn.map((s) => [s.name, s.description, s.adminOnly, s.default, s.retiredAt])).toEqual(
      [...BUILT_IN_SCOPE_NAMES].sort().map((name) => [
        name,
        BUILT_IN_SCOPES[name].description,
        name.startsWith("admin:"),
        name === "tokens:read" || name === "tokens:write",
        null,
      ]),
    );
  });

  test("counts holders and live tokens of each scope; revoked and expired tokens do not count", async () => {
    await createScope(admin, { name: "counted:read", description: "Counted" });
    const a = await createUser({ scopes: ["counted:read", "tokens:read"] });
    const b = await createUser({ scopes: ["counted:read"] });
    await createUser({ scopes: [] });
    const now = new Date();
    await createToken(a.id, { name: "live", scopes: ["counted:read", "tokens:read"] });
    await createToken(b.id, { name: "live too", scopes: ["counted:read"] });
    const revoked = await createToken(b.id, { name: "revoked", scopes: ["counted:read"] });
    await revokeToken(b.id, revoked.token.guid);
    const past = new Date(now.getTime() - 2 * 3600_000);
    await createToken(a.id, { name: "expired", scopes: ["counted:read"], validTo: new Date(past.getTime() + 3600_000).toISOString() }, past);

    const scope = (await adminScopeCatalogue()).find((s) => s.name === "counted:read");
    expect(scope).toMatchObject({ holders: 2, tokens: 2, builtIn: false, adminOnly: false, default: false, retiredAt: null });
    expect(await getCatalogueScope("counted:read")).toEqual(scope);
  });

  test("an unknown or malformed name is not found", async () => {
    for (const name of ["nobody:knows", "", "Not A Scope", "x".repeat(65), "a:b\u0000"]) {
      await expect(getCatalogueScope(name)).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});

describe("createScope", () => {
  test("adds a custom scope, trimmed, recorded with who added it", async () => {
    const scope = await createScope(admin, { name: " billing:read ", description: "  Read invoices in Billing  " });
    expect(scope).toMatchObject({ name: "billing:read", description: "Read invoices in Billing", builtIn: false, holders: 0, tokens: 0, retiredAt: null });
    expect((await scopeCatalogue()).map((s) => s.name)).toContain("billing:read");
    expect(await eventsFor("billing:read")).toEqual([{ action: "scope.created", ...actorOf(), details: { description: "Read invoices in Billing" } }]);
  });

  test("names: lowercase service:action of at most 64 characters", async () => {
    const longest = `${"s".repeat(31)}:${"a".repeat(32)}`;
    expect(longest).toHaveLength(64);
    await expect(createScope(admin, { name: longest, description: "Longest" })).resolves.toMatchObject({ name: longest });
    await expect(createScope(admin, { name: "deploy-2:write-all", description: "Digits and hyphens" })).resolves.toMatchObject({});

    expect(await fieldErrors(createScope(admin, { name: `${longest}x`, description: "Too long" }))).toEqual({
      name: ["A scope name has at most 64 characters."],
    });
    for (const name of ["Billing:Read", "billing", "billing:", ":read", "billing:read:all", "2fa:read", "billing:_read", "billing read", "bill_ing:read", ""]) {
      expect({ name, errors: Object.keys(await fieldErrors(createScope(admin, { name, description: "Bad" }))) }).toEqual({ name, errors: ["name"] });
    }
  });

  test("descriptions: 1 to 200 characters after trimming, no control characters", async () => {
    await expect(createScope(admin, { name: "desc:max", description: ` ${"d".repeat(200)} ` })).resolves.toMatchObject({ description: "d".repeat(200) });
    expect(await fieldErrors(createScope(admin, { name: "desc:over", description: "d".repeat(201) }))).toEqual({
      description: ["Description can be at most 200 characters."],
    });
    expect(await fieldErrors(createScope(admin, { name: "desc:blank", description: "   " }))).toEqual({ description: ["Description is required."] });
    expect(await fieldErrors(createScope(admin, { name: "desc:nul", description: "a\u0000b" }))).toEqual({
      description: ["Description cannot contain control characters."],
    });
    expect(Object.keys(await fieldErrors(createScope(admin, { name: "desc:none" })))).toEqual(["description"]);
    expect(Object.keys(await fieldErrors(createScope(admin, { name: "desc:extra", description: "x", default: true })))).toEqual(["default"]);
  });

  test("refuses a built-in name, Tollgate's own services, and any name already used, retired ones included", async () => {
    expect(await fieldErrors(createScope(admin, { name: "tokens:read", description: "Mine" }))).toEqual({
      name: ["tokens:read is one of Tollgate's own scopes; it is already in the catalogue."],
    });
    for (const name of ["tokens:delete", "admin:everything", "metrics:write"]) {
      expect(Object.keys(await fieldErrors(createScope(admin, { name, description: "Reserved" })))).toEqual(["name"]);
    }
    await createScope(admin, { name: "twice:read", description: "Once" });
    expect(await fieldErrors(createScope(admin, { name: "twice:read", description: "Again" }))).toEqual({ name: ["A scope named twice:read already exists."] });
    await retireScope(admin, "twice:read");
    expect(await fieldErrors(createScope(admin, { name: "twice:read", description: "After retiring" }))).toEqual({
      name: ["twice:read was retired; a retired name cannot be used again, so that old tokens' records keep one meaning."],
    });
    expect((await eventsFor("twice:read")).map((e) => e.action)).toEqual(["scope.created", "scope.retired"]);
  });
});

describe("editScope", () => {
  test("edits a custom scope's description, recording before and after; the same text again records nothing", async () => {
    await createScope(admin, { name: "edit:read", description: "Old words" });
    expect(await editScope(admin, "edit:read", { description: " New words " })).toMatchObject({ name: "edit:read", description: "New words" });
    await editScope(admin, "edit:read", { description: "New words" });
    await editScope(admin, "edit:read", {});
    expect(await eventsFor("edit:read")).toEqual([
      expect.objectContaining({ action: "scope.created" }),
      { action: "scope.edited", ...actorOf(), details: { before: { description: "Old words" }, after: { description: "New words" } } },
    ]);
  });

  test("a built-in scope's description cannot be edited; invalid input names the field; an unknown scope is not found", async () => {
    const error = await rejection(editScope(admin, "tokens:read", { description: "Something else" }));
    expect(error).toEqual(new ConflictError("tokens:read is one of Tollgate's own scopes: its description comes from Tollgate's code and cannot be edited."));
    expect((await getCatalogueScope("tokens:read")).description).toBe(BUILT_IN_SCOPES["tokens:read"].description);
    expect(await fieldErrors(editScope(admin, "tokens:read", { description: "" }))).toEqual({ description: ["Description is required."] });
    expect(await fieldErrors(editScope(admin, "tokens:read", { default: "yes" }))).toEqual({ default: ["default must be true or false."] });
    expect(Object.keys(await fieldErrors(editScope(admin, "tokens:read", { name: "tokens:readd" })))).toEqual(["name"]);
    await expect(editScope(admin, "nobody:knows", { description: "x" })).rejects.toBeInstanceOf(NotFoundError);
  });
});

// These run in order: the first choice of defaults replaces DEFAULT_SCOPES for good.
describe("defaults for new accounts", () => {
  test("until an administrator chooses, DEFAULT_SCOPES without unknown, retired or administrators' scopes", async () => {
    await createScope(admin, { name: "legacy:read", description: "Named in DEFAULT_SCOPES" });
    expect(await defaultScopesForNewAccounts()).toEqual(["legacy:read", "tokens:read", "tokens:write"]);
    await retireScope(admin, "legacy:read");
    expect(await defaultScopesForNewAccounts()).toEqual(["tokens:read", "tokens:write"]);
    expect(await heldScopes((await createUser()).id)).toEqual(["tokens:read", "tokens:write"]);
  });

  test("an administrators' scope cannot become a default", async () => {
    for (const name of ["admin:read", "admin:write"]) {
      expect(await fieldErrors(editScope(admin, name, { default: true }))).toEqual({
        default: [`${name} is for administrators only, so new accounts cannot receive it.`],
      });
    }
    expect(await defaultScopesForNewAccounts()).toEqual(["tokens:read", "tokens:write"]);
  });

  test("the first toggle stores the choice (DEFAULT_SCOPES no longer applies); new accounts, by sign-up or provider, get it", async () => {
    await createScope(admin, { name: "deploy:write", description: "Deploy" });
    expect(await editScope(admin, "deploy:write", { default: true })).toMatchObject({ name: "deploy:write", default: true });
    expect(await defaultScopesForNewAccounts()).toEqual(["deploy:write", "tokens:read", "tokens:write"]);
    await editScope(admin, "tokens:write", { default: false });
    expect(await defaultScopesForNewAccounts()).toEqual(["deploy:write", "tokens:read"]);
    // Repeating a choice changes nothing and records nothing.
    await editScope(admin, "tokens:write", { default: false });

    const settings = await (await prisma()).deploymentSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(settings).toMatchObject({ defaultScopes: ["deploy:write", "tokens:read"], defaultScopesChosen: true });
    expect(await heldScopes((await createUser()).id)).toEqual(["deploy:write", "tokens:read"]);
    const { findOrCreateExternalUser } = await import("@/lib/users/service");
    expect(await heldScopes((await findOrCreateExternalUser({ email: "ext@example.com", name: "Ext" })).id)).toEqual(["deploy:write", "tokens:read"]);

    const changes = await (await prisma()).auditEvent.findMany({ where: { action: "scope.defaults_changed" }, orderBy: { occurredAt: "asc" } });
    expect(changes.map((e) => [e.targetScope, e.details])).toEqual([
      ["deploy:write", { before: ["tokens:read", "tokens:write"], after: ["deploy:write", "tokens:read", "tokens:write"] }],
      ["tokens:write", { before: ["deploy:write", "tokens:read", "tokens:write"], after: ["deploy:write", "tokens:read"] }],
    ]);
    const catalogue = await adminScopeCatalogue();
    expect(catalogue.filter((s) => s.default).map((s) => s.name)).toEqual(["deploy:write", "tokens:read"]);
  });

  test("retiring a default removes it from the defaults", async () => {
    await retireScope(admin, "deploy:write");
    expect(await defaultScopesForNewAccounts()).toEqual(["tokens:read"]);
    const settings = await (await prisma()).deploymentSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(settings.defaultScopes).toEqual(["tokens:read"]);
    // Put back as the configuration had it, for the tests below.
    await editScope(admin, "tokens:write", { default: true });
  });
});

describe("retireScope", () => {
  test("withdraws it from everyone at once, keeps tokens' records, answers and records the counts it had", async () => {
    await createScope(admin, { name: "reports:export", description: "Export reports" });
    const holder = await createUser({ scopes: ["tokens:read", "reports:export"] });
    const other = await createUser({ scopes: ["reports:export"] });
    const { token, secret } = await createToken(holder.id, { name: "Exporter", scopes: ["reports:export", "tokens:read"] });
    expect((await verifySecret(secret)).ok && (await verifySecret(secret) as { token: { scopes: readonly string[] } }).token.scopes).toEqual([
      "reports:export",
      "tokens:read",
    ]);

    const heard: string[] = [];
    const stop = onTokenChange(({ userId }) => void (userId && heard.push(userId)));
    let retired;
    try {
      retired = await retireScope(admin, "reports:export");
    } finally {
      stop();
    }
    expect(retired).toMatchObject({ name: "reports:export", holders: 2, tokens: 1, default: false, retiredAt: expect.any(Date) });
    expect(heard.sort()).toEqual([holder.id, other.id].sort());

    // The cached verification was dropped: the token loses the scope on its very next use.
    const verified = await verifySecret(secret);
    expect(verified).toMatchObject({ ok: true, token: { scopes: ["tokens:read"] } });
    expect(await heldScopes(holder.id)).toEqual(["tokens:read"]);
    expect(await heldScopes(other.id)).toEqual([]);
    expect((await getToken(holder.id, token.guid)).scopes).toEqual(["reports:export", "tokens:read"]);

    expect(await getCatalogueScope("reports:export")).toMatchObject({ holders: 0, tokens: 1, retiredAt: retired!.retiredAt });
    expect((await scopeCatalogue()).map((s) => s.name)).not.toContain("reports:export");
    expect((await eventsFor("reports:export")).at(-1)).toEqual({
      action: "scope.retired",
      ...actorOf(),
      details: { description: "Export reports", holders: 2, tokens: 1, removedFromDefaults: false },
    });
  });

  test("a retired scope cannot be granted, edited, made a default, retired again, or given to a token", async () => {
    await createScope(admin, { name: "old:read", description: "Old" });
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    await retireScope(admin, "old:read");
    expect(await rejection(grantScope(user.id, "old:read"))).toEqual(new ConflictError("old:read is retired and can no longer be granted."));
    expect(await rejection(editScope(admin, "old:read", { description: "New" }))).toEqual(
      new ConflictError("old:read is retired: it can no longer be edited or given to new accounts."),
    );
    await expect(editScope(admin, "old:read", { default: true })).rejects.toBeInstanceOf(ConflictError);
    expect(await rejection(retireScope(admin, "old:read"))).toEqual(new ConflictError("old:read is already retired."));
    expect(await fieldErrors(createToken(user.id, { name: "x", scopes: ["old:read"] }))).toEqual({ scopes: ["You do not hold the scope old:read."] });
    expect(await heldScopes(user.id)).toEqual(["tokens:read", "tokens:write"]);
  });

  test("built-in scopes cannot be retired; unknown ones are not found", async () => {
    for (const name of BUILT_IN_SCOPE_NAMES) {
      expect(await rejection(retireScope(admin, name))).toEqual(new ConflictError(`${name} is one of Tollgate's own scopes and cannot be retired.`));
    }
    for (const name of ["nobody:knows", "", "Bad Name"]) await expect(retireScope(admin, name)).rejects.toBeInstanceOf(NotFoundError);
    expect((await adminScopeCatalogue()).filter((s) => s.builtIn && s.retiredAt)).toEqual([]);
  });

  test("a grant racing a retirement either happens before it (and is withdrawn) or is refused", async () => {
    await createScope(admin, { name: "race:read", description: "Raced" });
    const users = await Promise.all([1, 2, 3, 4].map(() => createUser({ scopes: [] })));
    const grants = users.map((u) => grantScope(u.id, "race:read").then(() => "granted", (e: Error) => e.constructor.name));
    const retiring = retireScope(admin, "race:read");
    const outcomes = await Promise.all(grants);
    await retiring;
    for (const outcome of outcomes) expect(["granted", "ConflictError"]).toContain(outcome);
    expect(await (await prisma()).userScope.count({ where: { scopeName: "race:read" } })).toBe(0);
  });
});

describe("administrators' scopes", () => {
  test("are granted only to administrators", async () => {
    const person = await createUser({ scopes: [] });
    for (const name of ["admin:read", "admin:write"]) {
      expect(await rejection(grantScope(person.id, name))).toEqual(
        new ConflictError(`${name} can be held only by administrators; make this user an administrator first.`),
      );
    }
    expect(await heldScopes(person.id)).toEqual([]);
    await grantScope(admin.userId, "admin:read");
    expect(await heldScopes(admin.userId)).toEqual(["admin:read"]);
    expect((await getCatalogueScope("admin:read")).holders).toBe(1);
  });
});
