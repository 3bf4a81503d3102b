#!/usr/bin/env node
// Finds Tollgate secrets (tgp_…) in a directory and, with --submit, reports them for revocation.
// Node's standard library only, so it runs anywhere Node 20 does: docs/secret-scanning.md.
//
//   node scripts/scan-secrets.mjs [DIR] [--submit URL] [--source TEXT]
//
// Prints file:line and the secret's partial (never the whole secret). Exit status: 0 nothing
// found, 1 secrets found (and submitted, with --submit), 2 a usage error or a refused submission.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** `tgp_`, 30 random base62 characters, 6 of checksum; not part of a longer word. */
const PATTERN = /(?<![0-9A-Za-z_])tgp_([0-9A-Za-z]{30})([0-9A-Za-z]{6})(?![0-9A-Za-z_])/g;
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git"]);
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const PER_REPORT = 1000;
const ENDPOINT = "/api/v1/credentials/revoke";

/** CRC32 (IEEE, as zlib and gzip compute it) of the 30 random characters. */
const crc32 =
  typeof zlib.crc32 === "function"
    ? (text) => zlib.crc32(text)
    : (() => {
        const table = Array.from({ length: 256 }, (_, n) => {
          for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
          return n >>> 0;
        });
        return (text) => {
          let crc = 0xffffffff;
          for (const byte of Buffer.from(text, "latin1")) crc = table[(crc ^ byte) & 0xff] ^ (crc >>> 8);
          return (crc ^ 0xffffffff) >>> 0;
        };
      })();

/** The checksum: the CRC32 written in base62, most significant digit first, padded to 6 digits. */
function checksumOf(random) {
  let n = crc32(random);
  let out = "";
  for (let i = 0; i < 6; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

const partialOf = (secret) => `${secret.slice(0, 8)}…${secret.slice(-4)}`;

function* files(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    console.error(`skipped ${dir}: ${error.code ?? error.message}`);
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) yield* files(full);
    } else if (entry.isFile()) {
      yield full;
    }
  }
}

/** Secrets in one file, each with its line; none for a huge or binary file (a NUL byte in its first 8 KiB). */
function scanFile(file) {
  if (statSync(file).size > MAX_FILE_BYTES) return [];
  const content = readFileSync(file);
  if (content.subarray(0, 8192).includes(0)) return [];
  const found = [];
  const lines = content.toString("utf8").split("\n");
  lines.forEach((line, index) => {
    for (const match of line.matchAll(PATTERN)) {
      if (checksumOf(match[1]) === match[2]) found.push({ line: index + 1, secret: match[0] });
    }
  });
  return found;
}

function usage(message) {
  if (message) console.error(message);
  console.error("usage: node scripts/scan-secrets.mjs [DIR] [--submit URL] [--source TEXT]");
  process.exit(2);
}

function parseArguments(argv) {
  const options = { dir: ".", submit: null, source: null };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === "--submit" || argument === "--source") {
      const value = argv[++i];
      if (!value) usage(`${argument} needs a value`);
      options[argument.slice(2)] = value;
    } else if (argument === "--help" || argument === "-h") usage();
    else if (argument.startsWith("--")) usage(`unknown option ${argument}`);
    else positional.push(argument);
  }
  if (positional.length > 1) usage("give one directory");
  if (positional[0]) options.dir = positional[0];
  return options;
}

/** The endpoint: the URL given, or Tollgate's address with the endpoint's path added. */
function endpointOf(given) {
  let url;
  try {
    url = new URL(given);
  } catch {
    usage(`--submit needs a URL, such as https://tollgate.example.com`);
  }
  if (!url.pathname.endsWith(ENDPOINT)) url.pathname = url.pathname.replace(/\/+$/, "") + ENDPOINT;
  return url;
}

async function submit(url, secrets, source) {
  for (let i = 0; i < secrets.length; i += PER_REPORT) {
    const credentials = secrets.slice(i, i + PER_REPORT);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "tollgate-scan-secrets" },
      body: JSON.stringify({ credentials, ...(source && { source }) }),
    });
    const text = await response.text();
    if (response.status !== 202) {
      console.error(`${url}: ${response.status} ${text}`);
      process.exit(2);
    }
    console.log(`submitted ${credentials.length} to ${url}: ${response.status} ${text}`);
  }
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const url = options.submit ? endpointOf(options.submit) : null;
  const root = path.resolve(options.dir);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) usage(`${options.dir} is not a directory`);
  const secrets = new Set();
  let places = 0;
  for (const file of files(root)) {
    let found;
    try {
      found = scanFile(file);
    } catch (error) {
      console.error(`skipped ${path.relative(root, file)}: ${error.code ?? error.message}`);
      continue;
    }
    for (const { line, secret } of found) {
      console.log(`${path.relative(root, file)}:${line}: ${partialOf(secret)}`);
      secrets.add(secret);
      places++;
    }
  }
  console.log(`${secrets.size} Tollgate secret(s) found, in ${places} place(s).`);
  if (url && secrets.size) await submit(url, [...secrets], options.source);
  process.exitCode = secrets.size ? 1 : 0;
}

await main();
