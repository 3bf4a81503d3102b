import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { STATUS_CODES } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

jest.setTimeout(60_000);

/**
 * Every `sh` block of API_DOCUMENTATION.md, run in the document's order with curl against the built
 * app, as a reader following it would (the convention is described at the top of the document):
 * each example's status must be the one its `→` line states, a `json` answer must have the
 * members shown, a `curl -si` answer the headers and body shown (timestamps aside). An example
 * without a stated status, or using a variable the document has not defined above it, fails.
 */
const DOCUMENT = path.join(__dirname, "../../API_DOCUMENTATION.md");

type Block = { line: number; code: string; status?: { code: number; text: string }; answer?: { kind: "json" | "http"; text: string } };
type Definition = { line: number; names: string[] };
type Example = Block & { uses: string[] };
type Step = { kind: "define"; definition: Definition } | { kind: "run"; example: Example };

function parseDocument(text: string): { steps: Step[]; problems: string[] } {
  const lines = text.split("\n");
  const steps: Step[] = [];
  const problems: string[] = [];
  const defined = new Set<string>();
  const nextNonBlank = (from: number) => {
    let i = from;
    while (i < lines.length && lines[i]!.trim() === "") i++;
    return i;
  };
  const fenceEnd = (from: number) => {
    let i = from + 1;
    while (i < lines.length && !lines[i]!.startsWith("```")) i++;
    return i;
  };
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```sh") continue;
    const end = fenceEnd(i);
    const code = lines.slice(i + 1, end).join("\n");
    const line = i + 1;
    const commands = code.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
    const exports = commands.filter((l) => /^export [A-Z][A-Z0-9_]*=/.test(l));
    if (exports.length > 0) {
      if (exports.length !== commands.length) problems.push(`line ${line}: a block that defines variables must only define them`);
      const names = exports.map((l) => /^export ([A-Z][A-Z0-9_]*)=/.exec(l)![1]!);
      names.forEach((name) => defined.add(name));
      steps.push({ kind: "define", definition: { line, names } });
      i = end;
      continue;
    }
    const uses = [...new Set([...code.matchAll(/\$\{?([A-Z][A-Z0-9_]*)\}?/g)].map((m) => m[1]!))];
    for (const name of uses) if (!defined.has(name)) problems.push(`line ${line}: $${name} is used before the document defines it`);
    if (!/\bcurl\b/.test(code)) problems.push(`line ${line}: an example block makes no request with curl`);
    const example: Example = { line, code, uses };
    const statusAt = nextNonBlank(end + 1);
    const stated = /^→ `?(\d{3}) ([A-Za-z' -]+?)`?(?=[,:.]|$)/.exec(lines[statusAt] ?? "");
    if (!stated) {
      problems.push(`line ${line}: the example is not followed by a line "→ <status> <reason>"`);
    } else {
      const code = Number(stated[1]);
      if (STATUS_CODES[code] !== stated[2]) problems.push(`line ${statusAt + 1}: "${stated[1]} ${stated[2]}" is not HTTP's "${code} ${STATUS_CODES[code]}"`);
      example.status = { code, text: stated[2]! };
      const answerAt = nextNonBlank(statusAt + 1);
      const fence = lines[answerAt];
      if (fence === "```json" || fence === "```") {
        const answerEnd = fenceEnd(answerAt);
        const answerText = lines.slice(answerAt + 1, answerEnd).join("\n");
        if (fence === "```json") example.answer = { kind: "json", text: answerText };
        else if (answerText.startsWith("HTTP/1.1 ")) example.answer = { kind: "http", text: answerText };
      }
    }
    steps.push({ kind: "run", example });
    i = end;
  }
  return { steps, problems };
}

const { steps, problems } = parseDocument(readFileSync(DOCUMENT, "utf8"));
const examples = steps.flatMap((step) => (step.kind === "run" ? [step.example] : []));

async function seed() {
  // The demo account of the document's story: it holds the scopes only that account has today.
  // Ada is also the deployment's administrator, for the document's administration section.
  const owner = await createUser({
    name: "Ada Lovelace",
    scopes: ["tokens:introspect", "metrics:read", "tokens:read", "tokens:write", "admin:read", "admin:write"],
  });
  await (await prisma()).user.update({ where: { id: owner.id }, data: { isAdmin: true } });
  const token = await createToken(owner.id, { name: "Admin automation", scopes: ["tokens:read", "tokens:write"] });
  const introspection = await createToken(owner.id, { name: "Gateway", scopes: ["tokens:introspect"] });
  const ops = await createToken(owner.id, { name: "Dashboards", scopes: ["metrics:read"] });
  const admin = await createToken(owner.id, { name: "Administration", scopes: ["admin:read", "admin:write"] });
  // The user the administration examples manage.
  const grace = await createUser({ name: "Grace Hopper", scopes: ["tokens:read", "tokens:write"] });
  await (await prisma()).user.update({ where: { id: grace.id }, data: { email: "grace@example.com" } });
  return { token, introspection, ops, admin, grace };
}

// The document's limits, the default ones: its 429 example counts on them.
const api = useSeededServer(seed, {});

type Created = { token: { guid: string }; secret: string };
/** The token the last example that created one answered with. */
let lastCreated: Created | undefined;

/**
 * What a reader puts into each variable the document defines. The document says where each value
 * comes from (the token page, or the answer just above); this is that value here.
 */
const VALUES: Record<string, () => string | undefined> = {
  TOLLGATE: () => api.server.baseUrl,
  TOKEN: () => api.seed.token.secret,
  GUID: () => lastCreated?.token.guid,
  TOKEN_GUID: () => api.seed.token.token.guid,
  SHORT_TOKEN: () => lastCreated?.secret,
  READ_ONLY_TOKEN: () => lastCreated?.secret,
  INTROSPECTION_TOKEN: () => api.seed.introspection.secret,
  OPS_TOKEN: () => api.seed.ops.secret,
  ADMIN_TOKEN: () => api.seed.admin.secret,
  USER_ID: () => api.seed.grace.id,
  LEAKED_GUID: () => lastCreated?.token.guid,
  REPORTED_SECRET: () => lastCreated?.secret,
  REPORTED_GUID: () => lastCreated?.token.guid,
};

// One shell session's worth of state: the variables defined so far, and one working directory
// (an example may write a file, as the 413 example's big.json).
const variables: Record<string, string> = {};
let cwd: string;
let binDir: string;

beforeAll(() => {
  cwd = mkdtempSync(path.join(tmpdir(), "tollgate-doc-"));
  // curl as the reader runs it, which also reports each request's status on stderr for this test.
  binDir = mkdtempSync(path.join(tmpdir(), "tollgate-doc-bin-"));
  const realCurl = process.env.PATH!.split(":").map((dir) => path.join(dir, "curl")).find((file) => {
    try {
      return readFileSync(file).length > 0;
    } catch {
      return false;
    }
  });
  if (!realCurl) throw new Error("curl is not installed");
  writeFileSync(path.join(binDir, "curl"), `#!/bin/sh\nexec ${realCurl} -w '%{stderr}status %{http_code}\\n' "$@"\n`);
  chmodSync(path.join(binDir, "curl"), 0o755);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
  rmSync(binDir, { recursive: true, force: true });
});

type HttpAnswer = { status: string; headers: Map<string, string>; body: unknown };

// What depends on when the test runs: instants, and the seconds left of a rate-limit window.
const TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g;
const SECONDS_LEFT = /\bin \d+ seconds\b/g;

function parseHttpAnswer(raw: string): HttpAnswer {
  const [head = "", ...rest] = raw.replace(/\r\n/g, "\n").split("\n\n");
  const [status = "", ...lines] = head.split("\n");
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  const text = rest.join("\n\n").trim();
  return { status: status.trim(), headers, body: text ? JSON.parse(text.replace(TIMESTAMP, "<timestamp>").replace(SECONDS_LEFT, "in <n> seconds")) : null };
}

const topLevelMembers = (value: unknown) => Object.keys(value as object).sort();

const run = promisify(execFile);

test("every example of the document states its status and uses only variables defined above it", () => {
  expect(problems).toEqual([]);
  // The document's own story, so that a parsing slip cannot empty the list unnoticed.
  expect(examples.length).toBeGreaterThanOrEqual(30);
  expect(Object.keys(VALUES).sort()).toEqual(
    [...new Set(steps.flatMap((step) => (step.kind === "define" ? step.definition.names : [])))].sort(),
  );
});

describe.each(steps.map((step) => [step.kind === "define" ? step.definition.line : step.example.line, step] as const))(
  "API_DOCUMENTATION.md line %i",
  (_line, step) => {
    if (step.kind === "define") {
      test(`defines ${step.definition.names.join(", ")}`, () => {
        for (const name of step.definition.names) {
          const value = VALUES[name]?.();
          expect({ name, value }).toEqual({ name, value: expect.any(String) });
          variables[name] = value!;
        }
      });
      return;
    }
    const { example } = step;
    test(example.code.split("\n")[0]!, async () => {
      expect(example.status).toBeDefined();
      // Only what a reader's shell would hold: the document's variables, nothing of this process.
      const env: Record<string, string | undefined> = { PATH: `${binDir}:${process.env.PATH}`, HOME: process.env.HOME, ...variables };
      const { stdout, stderr } = await run("sh", ["-c", example.code], { cwd, env: env as NodeJS.ProcessEnv }).catch((error) => {
        // A stream (the change feed) is cut by the example's own --max-time: curl exits 28 after showing what came.
        if (error.code === 28 && example.code.includes("--max-time")) return { stdout: String(error.stdout), stderr: String(error.stderr) };
        throw error;
      });
      const statuses = [...stderr.matchAll(/^status (\d{3})$/gm)].map((m) => Number(m[1]));
      expect({ status: statuses.at(-1) }).toEqual({ status: example.status!.code });

      if (example.answer?.kind === "http") {
        const expected = parseHttpAnswer(example.answer.text);
        const actual = parseHttpAnswer(stdout);
        expect(actual.status).toBe(expected.status);
        for (const [name, value] of expected.headers) {
          // Retry-After counts down: the document shows the most it can be.
          if (name === "retry-after") {
            const left = Number(actual.headers.get(name));
            expect({ name, inRange: left > 0 && left <= Number(value) }).toEqual({ name, inRange: true });
          }
          else expect([name, actual.headers.get(name)]).toEqual([name, value]);
        }
        expect(actual.body).toEqual(expected.body);
      } else if (example.answer?.kind === "json") {
        expect(topLevelMembers(JSON.parse(stdout))).toEqual(topLevelMembers(JSON.parse(example.answer.text)));
      }
      const body = stdout.trim().startsWith("{") ? (JSON.parse(stdout) as Partial<Created>) : undefined;
      if (example.status!.code === 201 && body?.token && body.secret) lastCreated = body as Created;
    });
  },
);
