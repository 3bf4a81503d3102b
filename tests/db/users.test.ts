import { prisma } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { checkCredentials, findUser, findUserByEmail, signUp } from "@/lib/users/service";
import { useFreshDatabase } from "../helpers/database";

// Read by config() when the database opens (in useFreshDatabase's beforeAll): one catalogue scope
// that is not a default, one default left out, and a name the catalogue does not have.
process.env.DEFAULT_SCOPES = " tokens:read , tokens:introspect,no-such:scope ,";

useFreshDatabase();

const PASSWORD = "correct horse battery staple";

async function signUpError(input: unknown): Promise<ValidationError> {
  const error = await signUp(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

async function userCount(): Promise<number> {
  return (await prisma()).user.count();
}

describe("signUp", () => {
  test("stores an argon2id hash, never the password, and a normalised email", async () => {
    const user = await signUp({ name: "  Ada Lovelace ", email: " Ada@Example.COM ", password: PASSWORD });
    expect(user).toMatchObject({ name: "Ada Lovelace", email: "ada@example.com", isAdmin: false });

    const row = await (await prisma()).user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
  });

  test("grants the configured default scopes that exist in the catalogue, ignoring unknown names", async () => {
    const user = await signUp({ name: "Grace", email: "grace@example.com", password: PASSWORD });
    const grants = await (await prisma()).userScope.findMany({ where: { userId: user.id }, orderBy: { scopeName: "asc" } });
    expect(grants.map((g) => g.scopeName)).toEqual(["tokens:introspect", "tokens:read"]);
  });

  test("rejects an email that is already registered, whatever its case, on the email field", async () => {
    await signUp({ name: "First", email: "taken@example.com", password: PASSWORD });
    const before = await userCount();
    const error = await signUpError({ name: "Second", email: "TAKEN@example.com", password: "another password" });
    expect(error.fieldErrors).toEqual({ email: ["An account with this email already exists. Sign in instead."] });
    expect(await userCount()).toBe(before);
  });

  test("answers every invalid field at once and creates nothing", async () => {
    const before = await userCount();
    const error = await signUpError({ name: "   ", email: "not-an-email", password: "short" });
    expect(error.fieldErrors).toEqual({
      name: ["Name is required."],
      email: ["Enter an email address like name@example.com."],
      password: ["Use at least 10 characters."],
    });
    expect(await userCount()).toBe(before);
  });

  test("answers missing fields and input that is not an object with field errors", async () => {
    expect((await signUpError({})).fieldErrors).toEqual({
      name: ["Name is required."],
      email: ["Email is required."],
      password: ["Password is required."],
    });
    expect(Object.keys((await signUpError(null)).fieldErrors)).toEqual(["form"]);
  });
});

describe("checkCredentials", () => {
  let userId: string;
  beforeAll(async () => {
    userId = (await signUp({ name: "Linus", email: "linus@example.com", password: PASSWORD })).id;
  });

  test("the right password gives the user, whatever the email's case", async () => {
    expect(await checkCredentials({ email: "linus@example.com", password: PASSWORD })).toEqual({
      id: userId,
      email: "linus@example.com",
      name: "Linus",
      isAdmin: false,
    });
    expect((await checkCredentials({ email: " LINUS@example.com", password: PASSWORD }))?.id).toBe(userId);
  });

  test("a wrong password gives null", async () => {
    expect(await checkCredentials({ email: "linus@example.com", password: `${PASSWORD}!` })).toBeNull();
    expect(await checkCredentials({ email: "linus@example.com", password: PASSWORD.toUpperCase() })).toBeNull();
  });

  test("an unknown email gives null", async () => {
    expect(await checkCredentials({ email: "nobody@example.com", password: PASSWORD })).toBeNull();
  });

  test("malformed input gives null rather than an error", async () => {
    expect(await checkCredentials(undefined)).toBeNull();
    expect(await checkCredentials({ email: "linus@example.com" })).toBeNull();
    expect(await checkCredentials({ email: ["linus@example.com"], password: PASSWORD })).toBeNull();
  });

  test("an account without a password (external sign-in only) cannot sign in with one", async () => {
    const db = await prisma();
    await db.user.create({ data: { email: "oauth@example.com", name: "OAuth" } });
    expect(await checkCredentials({ email: "oauth@example.com", password: PASSWORD })).toBeNull();
  });
});

describe("finding users", () => {
  test("by id and by email; unknown or malformed ids and emails give null", async () => {
    const user = await signUp({ name: "Barbara", email: "barbara@example.com", password: PASSWORD });
    expect(await findUser(user.id)).toEqual(user);
    expect(await findUserByEmail("BARBARA@example.com")).toEqual(user);
    expect(await findUser("3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f")).toBeNull();
    expect(await findUser("not-a-guid")).toBeNull();
    expect(await findUserByEmail("nobody@example.com")).toBeNull();
    expect(await findUserByEmail("not an email")).toBeNull();
  });
});
