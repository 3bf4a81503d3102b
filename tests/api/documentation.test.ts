import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

jest.setTimeout(60_000);

/**
 * The curl examples of API_DOCUMENTATION.md, run with curl against the built app, and their answers
 * compared with the documented ones: status line, the headers shown, and the body (timestamps
 * aside, which depend on when the test runs). Sections are listed by title; add yours.
 */
const SECTIONS = [
  "With no overlap in force: 409", // a #### heading, found like the others
  "Tokens that manage tokens",
  "405: a method the route does not answer",
  "401: no token",
  "401: a token that is not usable",
  "400: a malformed Authorization header",
  "403: a scope the token does not have",
  "404: not yours, or not there",
  "400: invalid fields",
  "400: unknown fields, and dates without a time zone",
  "400: invalid query parameters",
  "400: a body that is not JSON",
  "413: a body over 16 KiB",
  "415: a body not declared as JSON",
];
const SAMPLE_GUID = "c7484b28-7e75-420c-a60c-fe2603afd803";
const HOUR = 3600_000;

async function seed() {
  const owner = await createUser({ name: "Ada Lovelace", scopes: ["tokens:introspect", "tokens:read", "tokens:write"] });
  const token = await createToken(owner.id, { name: "Admin automation", scopes: ["tokens:read", "tokens:write"] });
  const short = await createToken(owner.id, {
    name: "One hour",
    scopes: ["tokens:read", "tokens:write"],
    validTo: new Date(Date.now() + HOUR).toISOString(),
  });
  // The token the examples name by the sample GUID: one that never expires.
  const sample = await createToken(owner.id, { name: "CI deploy", scopes: ["tokens:read"] });
  const readOnly = await createToken(owner.id, { name: "Read only", scopes: ["tokens:read"] });
  return { token, short, sample, readOnly };
}

const api = useSeededServer(seed, { AUTH_FAILURE_LIMIT: "10000" });

type Example = { section: string; command: string; answer: string };

function examples(): Example[] {
  const text = readFileSync(path.join(__dirname, "../../API_DOCUMENTATION.md"), "utf8");
  const found: Example[] = [];
  for (const section of SECTIONS) {
    const start = text.indexOf(`### ${section}\n`);
    if (start < 0) throw new Error(`API_DOCUMENTATION.md has no section "${section}"`);
    const end = text.indexOf("\n### ", start + 1);
    const body = text.slice(start, end < 0 ? undefined : end);
    // Each ```sh block followed by the plain block of its answer.
    for (const match of body.matchAll(/```sh\n([\s\S]*?)```\s*\n+```\n([\s\S]*?)```/g)) {
      found.push({ section, command: match[1]!, answer: match[2]! });
    }
  }
  return found;
}

type Answer = { status: string; headers: Map<string, string>; body: unknown };

const TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g;

function parseAnswer(raw: string): Answer {
  const [head = "", ...rest] = raw.replace(/\r\n/g, "\n").split("\n\n");
  const [status = "", ...lines] = head.split("\n");
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  const text = rest.join("\n\n").trim();
  return { status: status.trim(), headers, body: text ? JSON.parse(text.replace(TIMESTAMP, "<timestamp>")) : null };
}

const run = promisify(execFile);

test("the examples are found", () => {
  expect(examples().length).toBeGreaterThanOrEqual(16);
});

test.each(examples().map((example) => [example.section, example.command.trim().split("\n")[0], example] as const))(
  "%s: %s",
  async (_section, _first, example) => {
    const env = {
      ...process.env,
      TOLLGATE: api.server.baseUrl,
      TOKEN: api.seed.token.secret,
      SHORT_TOKEN: api.seed.short.secret,
      READ_ONLY_TOKEN: api.seed.readOnly.secret,
    };
    const command = example.command.replaceAll(SAMPLE_GUID, api.seed.sample.token.guid);
    // In a directory of its own: an example may write a file (the 413 example's big.json).
    const cwd = mkdtempSync(path.join(tmpdir(), "tollgate-doc-"));
    const { stdout } = await run("sh", ["-c", command], { env, cwd }).finally(() => rmSync(cwd, { recursive: true, force: true }));
    const expected = parseAnswer(example.answer);
    const actual = parseAnswer(stdout);
    expect(actual.status).toBe(expected.status);
    for (const [name, value] of expected.headers) expect([name, actual.headers.get(name)]).toEqual([name, value]);
    expect(actual.body).toEqual(expected.body);
  },
);
