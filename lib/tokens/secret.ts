import { createHmac, randomBytes } from "node:crypto";
import zlib from "node:zlib";

/**
 * The token secret format, after GitHub's: `tgp_` + 30 base62 characters from the CSPRNG
 * (30 × log2(62) ≈ 178 bits) + a 6-character base62 CRC32 of those 30 characters.
 * The prefix lets people and secret scanners recognise a Tollgate token; the checksum lets
 * us reject a mistyped or invented token without touching the database.
 */
export const SECRET_PREFIX = "tgp_";
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
export const SECRET_LENGTH = SECRET_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_PATTERN = new RegExp(`^${SECRET_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

// zlib.crc32 exists since Node 20.15; @types/node@20 does not declare it yet.
const crc32 = (zlib as unknown as { crc32(data: string): number }).crc32;

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

function checksumOf(random: string): string {
  let n = crc32(random);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateSecret(): string {
  const random = randomBase62(RANDOM_LENGTH);
  return SECRET_PREFIX + random + checksumOf(random);
}

/**
 * True when the string has the prefix, length, alphabet and a matching checksum. A plain
 * comparison: the checksum is computed from the string itself by a public algorithm, so how soon
 * a comparison fails tells a caller nothing it could not compute on its own.
 */
export function isWellFormedSecret(candidate: string): boolean {
  if (!SECRET_PATTERN.test(candidate)) return false;
  const random = candidate.slice(SECRET_PREFIX.length, SECRET_PREFIX.length + RANDOM_LENGTH);
  return candidate.endsWith(checksumOf(random));
}

/** The keyed hash stored instead of the secret (HMAC-SHA256, hex): useless without the key. */
export function hashSecret(secret: string, key: Buffer): string {
  return createHmac("sha256", key).update(secret).digest("hex");
}

/** What the token list shows: the prefix, four characters of randomness and the checksum's last four. */
export function partialOf(secret: string): string {
  return `${secret.slice(0, SECRET_PREFIX.length + 4)}…${secret.slice(-4)}`;
}
