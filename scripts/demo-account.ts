/**
 * `npm run demo-account`: makes the configured database ready to try Tollgate. Creates (once) the
 * account demo@tollgate.local, an administrator holding every catalogue scope, adds two example
 * tokens if it has none, prints how to sign in, and closes the database: the embedded PGlite can
 * be open in only one process, and `npm start` opens it next.
 *
 * The fixed password is fine only on the embedded database, which lives on this machine. On
 * PostgreSQL (a shared deployment) the script refuses unless DEMO_PASSWORD is given.
 */
import { makeAdministrator } from "@/lib/admin/administrators";
import { config } from "@/lib/config";
import { closeDatabase } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { isAdminOnlyScope } from "@/lib/scopes/built-in";
import { grantScope, scopeCatalogue } from "@/lib/scopes/service";
import { createToken, listTokens } from "@/lib/tokens/service";
import { checkCredentials, findUserByEmail, signUp, type AccountUser } from "@/lib/users/service";
import { DEFAULT_TOKEN_LIST_QUERY } from "@/lib/validation/token-list";

const EMAIL = "demo@tollgate.local";
const EMBEDDED_PASSWORD = "tollgate-demo";
const DAY_MS = 24 * 3600 * 1000;

async function demoUser(password: string): Promise<{ user: AccountUser; created: boolean }> {
  try {
    return { user: await signUp({ name: "Demo User", email: EMAIL, password }), created: true };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const existing = await findUserByEmail(EMAIL);
    if (!existing) throw new Error(`the password is not acceptable: ${Object.values(error.fieldErrors).flat().join(" ")}`);
    return { user: existing, created: false };
  }
}

async function exampleTokens(user: AccountUser): Promise<{ name: string; secret: string }[]> {
  if ((await listTokens(user.id, DEFAULT_TOKEN_LIST_QUERY)).total > 0) return [];
  const made = [
    await createToken(user.id, {
      name: "Example: CI read-only",
      description: "Created by npm run demo-account. Reads tokens; never expires.",
      scopes: ["tokens:read"],
    }),
    await createToken(user.id, {
      name: "Example: deploy script",
      description: "Created by npm run demo-account. Manages tokens; expires in 30 days.",
      scopes: ["tokens:read", "tokens:write"],
      validTo: new Date(Date.now() + 30 * DAY_MS).toISOString(),
    }),
  ];
  return made.map(({ token, secret }) => ({ name: token.name, secret }));
}

async function main(): Promise<void> {
  const { database } = config();
  const password = process.env.DEMO_PASSWORD || (database.kind === "embedded" ? EMBEDDED_PASSWORD : undefined);
  if (!password) {
    throw new Error(
      "DATABASE_URL points at PostgreSQL, where a demo account with a well-known password would be a way in. " +
        "Set DEMO_PASSWORD to the password you want, or leave DATABASE_URL unset to use the embedded database.",
    );
  }

  const { user, created } = await demoUser(password);
  // The admin scopes come with being an administrator, granted by the same module as `npm run admin`.
  await makeAdministrator(user.email);
  for (const scope of await scopeCatalogue()) if (!isAdminOnlyScope(scope.name)) await grantScope(user.id, scope.name);
  const tokens = await exampleTokens(user);
  const passwordWorks = (await checkCredentials({ email: EMAIL, password })) !== null;

  const url = process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  const where = database.kind === "embedded" ? `embedded database in ${database.dir}` : "PostgreSQL database of DATABASE_URL";
  const lines = [
    "",
    `Demo account ${created ? "created" : "already present"} on the ${where}; it is an administrator.`,
    "",
    `  Open      ${url}/signin`,
    `  Email     ${EMAIL}`,
    passwordWorks
      ? `  Password  ${password}`
      : "  Password  (unchanged: the existing account's password is not the one configured now)",
  ];
  if (tokens.length) {
    lines.push("", "Example tokens (their secrets are shown only now):");
    for (const token of tokens) lines.push(`  ${token.name.padEnd(26)} ${token.secret}`);
    lines.push("", `Try one:  curl -H "Authorization: Bearer ${tokens[0]!.secret}" ${url}/api/v1/me`);
  }
  console.log(lines.join("\n") + "\n");
}

main()
  .catch((error: unknown) => {
    console.error(`demo-account: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  // Always close: an embedded database left open would not be flushed for the server that opens it next.
  .finally(() => closeDatabase());
