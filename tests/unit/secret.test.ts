import { randomBytes } from "node:crypto";
import { SECRET_LENGTH, SECRET_PREFIX, generateSecret, hashSecret, isWellFormedSecret, partialOf } from "@/lib/tokens/secret";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM = { start: SECRET_PREFIX.length, end: SECRET_PREFIX.length + 30 };

function replaceAt(text: string, index: number, char: string): string {
  return text.slice(0, index) + char + text.slice(index + 1);
}

describe("generateSecret", () => {
  test("is tgp_ followed by 36 base62 characters, 40 in all", () => {
    for (let i = 0; i < 200; i++) {
      const secret = generateSecret();
      expect(secret).toMatch(/^tgp_[0-9A-Za-z]{36}$/);
      expect(secret).toHaveLength(40);
      expect(SECRET_LENGTH).toBe(40);
      expect(isWellFormedSecret(secret)).toBe(true);
    }
  });

  test("draws 30 random base62 characters, every position using the whole alphabet (≥ 160 bits)", () => {
    // 30 independent, uniform base62 characters carry 30 × log2(62) ≈ 178.6 bits. Check the parts of
    // that claim a sample can show: every one of the 30 positions varies, and each of the 62
    // characters turns up about equally often.
    const samples = 2000;
    const perPosition = Array.from({ length: 30 }, () => new Set<string>());
    const counts = new Map<string, number>();
    for (let i = 0; i < samples; i++) {
      const random = generateSecret().slice(RANDOM.start, RANDOM.end);
      expect(random).toHaveLength(30);
      [...random].forEach((char, position) => {
        perPosition[position]!.add(char);
        counts.set(char, (counts.get(char) ?? 0) + 1);
      });
    }
    // A given character is missing from a position of 2000 draws with probability (61/62)^2000 ≈ 1e-14.
    for (const seen of perPosition) expect(seen.size).toBe(62);
    expect([...counts.keys()].sort().join("")).toBe([...BASE62].sort().join(""));
    // Expected about 968 per character, standard deviation about 31: these bounds are ±8σ wide,
    // yet a modulo bias or a missing character would break them.
    const expected = (samples * 30) / 62;
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected - 250);
      expect(count).toBeLessThan(expected + 250);
    }
  });

  test("never repeats over many generations", () => {
    const secrets = new Set<string>();
    const randomParts = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const secret = generateSecret();
      secrets.add(secret);
      randomParts.add(secret.slice(RANDOM.start, RANDOM.end));
    }
    expect(secrets.size).toBe(20_000);
    expect(randomParts.size).toBe(20_000);
  });
});

describe("isWellFormedSecret", () => {
  test("the checksum catches every single-character change in the random part and in the checksum itself", () => {
    for (let i = 0; i < 4; i++) {
      const secret = generateSecret();
      let tried = 0;
      for (let position = SECRET_PREFIX.length; position < SECRET_LENGTH; position++) {
        for (const char of BASE62) {
          if (char === secret[position]) continue;
          const typo = replaceAt(secret, position, char);
          tried++;
          if (isWellFormedSecret(typo)) throw new Error(`${typo} (position ${position}) passed as well-formed`);
        }
      }
      expect(tried).toBe(36 * 61);
    }
  });

  test("rejects a wrong prefix", () => {
    const rest = generateSecret().slice(SECRET_PREFIX.length);
    for (const prefix of ["tgx_", "TGP_", "ghp_", "tgp-", "tgp", "_tgp"]) {
      expect(isWellFormedSecret(prefix + rest)).toBe(false);
    }
  });

  test("rejects a wrong length, surrounding whitespace and other characters", () => {
    const secret = generateSecret();
    const cases = [
      secret.slice(0, -1),
      secret + "A",
      secret.slice(0, 20),
      " " + secret,
      secret + "\n",
      secret + " ",
      replaceAt(secret, 10, "-"),
      replaceAt(secret, 10, "="),
    ];
    for (const candidate of cases) expect(isWellFormedSecret(candidate)).toBe(false);
  });

  test("rejects non-ASCII look-alikes", () => {
    const secret = generateSecret();
    // Latin small a with acute, Cyrillic а, fullwidth digit zero, a zero-width space inserted.
    for (const char of ["á", "а", "０"]) expect(isWellFormedSecret(replaceAt(secret, 12, char))).toBe(false);
    expect(isWellFormedSecret(secret.slice(0, 12) + "\u200b" + secret.slice(13))).toBe(false);
    expect(isWellFormedSecret(secret.slice(0, 12) + "\u200b" + secret.slice(12))).toBe(false);
  });

  test("rejects the empty string, the bare prefix, and very long input", () => {
    expect(isWellFormedSecret("")).toBe(false);
    expect(isWellFormedSecret(SECRET_PREFIX)).toBe(false);
    expect(isWellFormedSecret(generateSecret().repeat(2))).toBe(false);
    expect(isWellFormedSecret(SECRET_PREFIX + "a".repeat(1_000_000))).toBe(false);
  });
});

describe("hashSecret", () => {
  const secret = generateSecret();
  const key = randomBytes(32);

  test("is deterministic for one key: 64 hex characters", () => {
    expect(hashSecret(secret, key)).toBe(hashSecret(secret, Buffer.from(key)));
    expect(hashSecret(secret, key)).toMatch(/^[0-9a-f]{64}$/);
  });

  test("depends on the key, so a stolen table is useless without it", () => {
    expect(hashSecret(secret, randomBytes(32))).not.toBe(hashSecret(secret, key));
    const flipped = Buffer.from(key);
    flipped[0]! ^= 1;
    expect(hashSecret(secret, flipped)).not.toBe(hashSecret(secret, key));
  });

  test("differs for different secrets", () => {
    expect(hashSecret(generateSecret(), key)).not.toBe(hashSecret(secret, key));
  });
});

describe("partialOf", () => {
  test("reveals only the prefix, the next four characters and the last four", () => {
    const secret = generateSecret();
    const partial = partialOf(secret);
    expect(partial).toBe(`${secret.slice(0, 8)}…${secret.slice(-4)}`);
    const shown = partial.replace("…", "");
    expect(shown).toHaveLength(SECRET_PREFIX.length + 8);
    // 28 characters stay hidden; the column holding the partial is VARCHAR(32).
    expect(SECRET_LENGTH - shown.length).toBe(28);
    expect(partial.length).toBeLessThanOrEqual(32);
  });
});
