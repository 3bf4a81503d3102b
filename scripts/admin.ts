/**
 * `npm run admin -- grant EMAIL` / `npm run admin -- revoke EMAIL`: makes or unmakes an
 * administrator of the configured database (the embedded one, or PostgreSQL with DATABASE_URL),
 * which is how an operator makes the first one. Exit code 1 for an unknown account, 2 for a wrong
 * command line. Closes the database at the end, like demo-account.
 */
import { makeAdministrator, unmakeAdministrator } from "@/lib/admin/administrators";
import { config } from "@/lib/config";
import { closeDatabase } from "@/lib/db";

const USAGE = "Usage: npm run admin -- grant EMAIL | npm run admin -- revoke EMAIL";

async function main(args: string[]): Promise<void> {
  const [command, email, ...rest] = args;
  if ((command !== "grant" && command !== "revoke") || !email || rest.length > 0) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const { database } = config();
  const where = database.kind === "embedded" ? `the embedded database in ${database.dir}` : "the PostgreSQL database of DATABASE_URL";
  if (command === "grant") {
    const result = await makeAdministrator(email);
    console.log(`${result.email} ${result.changed ? "is now" : "was already"} an administrator of ${where}.`);
  } else {
    const result = await unmakeAdministrator(email);
    console.log(`${result.email} ${result.changed ? "is no longer" : "was not"} an administrator of ${where}.`);
  }
}

main(process.argv.slice(2))
  .catch((error: unknown) => {
    console.error(`admin: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  // Always close: an embedded database left open would not be flushed for the server that opens it next.
  .finally(() => closeDatabase());
