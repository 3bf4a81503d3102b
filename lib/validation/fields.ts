import { z } from "zod";

/**
 * A JSON object whose unknown fields are refused, each named in the answer: a misspelt field
 * (`valid_to`, `nmae`) that was silently ignored made a token that never expires, or an edit that
 * changed nothing and said 200. `message` is for a value that is not an object at all.
 */
export function strictFields<Shape extends z.ZodRawShape>(shape: Shape, message: string) {
  const accepted = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? acceptedFieldsMessage(issue.keys, accepted) : message),
  });
}

function acceptedFieldsMessage(unknown: readonly string[], accepted: readonly string[]): string {
  const list = `The accepted fields are: ${accepted.join(", ")}.`;
  // One message serves every unknown key, so a suggestion only fits when there is one.
  const suggestion = unknown.length === 1 ? closest(unknown[0]!, accepted) : undefined;
  return suggestion ? `Did you mean ${suggestion}? ${list}` : list;
}

const folded = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The accepted name a client most likely meant: the same letters in another case (valid_to), a typo away (nmae), or its start (overlap). */
function closest(name: string, accepted: readonly string[]): string | undefined {
  const key = folded(name);
  return (
    accepted.find((candidate) => folded(candidate) === key) ??
    accepted.find((candidate) => editDistance(folded(candidate), key) <= 2) ??
    (key.length >= 4 ? accepted.find((candidate) => folded(candidate).startsWith(key)) : undefined)
  );
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
