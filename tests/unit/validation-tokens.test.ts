import { fieldErrorsOf } from "@/lib/errors";
import {
  MAX_ROTATION_OVERLAP_SECONDS,
  MAX_SCOPES_PER_TOKEN,
  PAST_GRACE_MS,
  TIME_ZONE_MESSAGE,
  createTokenSchema,
  introspectionRequestSchema,
  rotateTokenSchema,
  updateTokenSchema,
  validityProblems,
} from "@/lib/validation/tokens";

/** The per-field errors a server action or route would report for this input. */
function errorsOf(schema: { safeParse(input: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown) {
  const result = schema.safeParse(input);
  return result.success ? {} : fieldErrorsOf(result.error!.issues);
}

const valid = { name: "CI deploy", scopes: ["tokens:read"] };

describe("createTokenSchema: name", () => {
  test("is required, and whitespace alone does not count", () => {
    for (const name of [undefined, "", "   ", "\t\n"]) {
      expect(errorsOf(createTokenSchema, { ...valid, name })).toEqual({ name: ["Name is required."] });
    }
    expect(errorsOf(createTokenSchema, { ...valid, name: 42 })).toEqual({ name: ["Name is required."] });
  });

  test("is trimmed and may have 100 characters, not 101", () => {
    expect(createTokenSchema.parse({ ...valid, name: "  deploy bot  " }).name).toBe("deploy bot");
    expect(createTokenSchema.parse({ ...valid, name: "n".repeat(100) }).name).toHaveLength(100);
    expect(createTokenSchema.parse({ ...valid, name: ` ${"n".repeat(100)} ` }).name).toHaveLength(100);
    expect(errorsOf(createTokenSchema, { ...valid, name: "n".repeat(101) })).toEqual({ name: ["Name can be at most 100 characters."] });
  });

  test("cannot contain control characters (a NUL byte would otherwise reach the database)", () => {
    for (const name of ["a\u0000b", "line\nbreak", "bell\u0007", "half \ud800 surrogate"]) {
      expect(errorsOf(createTokenSchema, { ...valid, name })).toEqual({ name: ["Name cannot contain control characters."] });
    }
    expect(createTokenSchema.parse({ ...valid, name: "Déploiement 🚀 — prod" }).name).toBe("Déploiement 🚀 — prod");
  });
});

describe("createTokenSchema: description", () => {
  test("is optional: missing, null and empty all mean none", () => {
    expect(createTokenSchema.parse(valid).description).toBe("");
    expect(createTokenSchema.parse({ ...valid, description: null }).description).toBe("");
    expect(createTokenSchema.parse({ ...valid, description: "  " }).description).toBe("");
  });

  test("may have 500 characters and line breaks, not 501 characters or a NUL", () => {
    expect(createTokenSchema.parse({ ...valid, description: "d".repeat(500) }).description).toHaveLength(500);
    expect(createTokenSchema.parse({ ...valid, description: "first line\nsecond\tline" }).description).toBe("first line\nsecond\tline");
    expect(errorsOf(createTokenSchema, { ...valid, description: "d".repeat(501) })).toEqual({
      description: ["Description can be at most 500 characters."],
    });
    expect(errorsOf(createTokenSchema, { ...valid, description: "a\u0000b" })).toEqual({
      description: ["Description cannot contain control characters."],
    });
  });
});

describe("createTokenSchema: scopes", () => {
  test("at least one is required", () => {
    for (const scopes of [undefined, [], "tokens:read", null]) {
      expect(errorsOf(createTokenSchema, { ...valid, scopes })).toEqual({ scopes: ["Choose at least one scope."] });
    }
  });

  test("duplicates are removed and the list is sorted", () => {
    expect(createTokenSchema.parse({ ...valid, scopes: ["tokens:write", "tokens:read", "tokens:write"] }).scopes).toEqual([
      "tokens:read",
      "tokens:write",
    ]);
  });

  test("each must look like a scope name; one message per problem", () => {
    for (const scope of ["", "Tokens:Read", "tokens read", "tokens:", ":read", "9tokens", "x".repeat(65), "tokens:read\u0000"]) {
      const errors = errorsOf(createTokenSchema, { ...valid, scopes: ["tokens:read", scope] });
      expect(Object.keys(errors)).toEqual(["scopes"]);
    }
    expect(errorsOf(createTokenSchema, { ...valid, scopes: ["Bad one", "Bad two"] })).toEqual({ scopes: ["A scope looks like `tokens:read`."] });
    expect(createTokenSchema.parse({ ...valid, scopes: ["a", "billing_v2:read-only"] }).scopes).toEqual(["a", "billing_v2:read-only"]);
  });

  test(`at most ${MAX_SCOPES_PER_TOKEN}`, () => {
    const many = Array.from({ length: MAX_SCOPES_PER_TOKEN + 1 }, (_, i) => `scope${i}`);
    expect(createTokenSchema.parse({ ...valid, scopes: many.slice(1) }).scopes).toHaveLength(MAX_SCOPES_PER_TOKEN);
    expect(errorsOf(createTokenSchema, { ...valid, scopes: many })).toEqual({ scopes: [`A token can have at most ${MAX_SCOPES_PER_TOKEN} scopes.`] });
  });
});

describe("createTokenSchema: dates and GUID", () => {
  test("valid-from and valid-to take ISO 8601 date-times with an offset; empty and null mean none", () => {
    const parsed = createTokenSchema.parse({ ...valid, validFrom: "2030-01-31T12:00:00+02:00", validTo: "2031-01-31T10:00:00.250Z" });
    expect(parsed.validFrom).toEqual(new Date("2030-01-31T10:00:00Z"));
    expect(parsed.validTo).toEqual(new Date("2031-01-31T10:00:00.250Z"));
    expect(createTokenSchema.parse({ ...valid, validFrom: "", validTo: null })).toMatchObject({ validFrom: null, validTo: null });
    expect(createTokenSchema.parse(valid)).toMatchObject({ validFrom: null, validTo: null });
  });

  test("malformed dates are field errors", () => {
    const message = "Use an ISO 8601 date and time, e.g. 2030-01-31T12:00:00Z.";
    for (const date of ["tomorrow", "2030-01-31", "2030-02-30T00:00:00Z", "2030-13-01T00:00:00Z", "1733000000000", 1733000000000, true]) {
      expect(errorsOf(createTokenSchema, { ...valid, validFrom: date })).toEqual({ validFrom: [message] });
      expect(errorsOf(createTokenSchema, { ...valid, validTo: date })).toEqual({ validTo: [message] });
    }
  });

  test("a date and time without a time zone is refused with a message asking for Z or an offset", () => {
    for (const date of ["2030-01-01T00:00:00", "2030-01-01T00:00", "2030-01-01 00:00:00", "2030-01-01T00:00:00.123"]) {
      expect(errorsOf(createTokenSchema, { ...valid, validTo: date })).toEqual({ validTo: [TIME_ZONE_MESSAGE] });
      expect(errorsOf(updateTokenSchema, { validFrom: date })).toEqual({ validFrom: [TIME_ZONE_MESSAGE] });
    }
    expect(TIME_ZONE_MESSAGE).toMatch(/time zone.*Z.*offset/);
    // The same instants with a zone are taken as given.
    expect(createTokenSchema.parse({ ...valid, validTo: "2030-01-01T00:00:00Z" }).validTo).toEqual(new Date(Date.UTC(2030, 0, 1)));
    expect(createTokenSchema.parse({ ...valid, validTo: "2030-01-01T00:00:00-05:00" }).validTo).toEqual(new Date(Date.UTC(2030, 0, 1, 5)));
  });

  test("a GUID, when given, must be one", () => {
    const guid = "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f";
    expect(createTokenSchema.parse({ ...valid, guid }).guid).toBe(guid);
    expect(createTokenSchema.parse({ ...valid, guid: guid.toUpperCase() }).guid).toBe(guid.toUpperCase());
    expect(createTokenSchema.parse(valid).guid).toBeUndefined();
    for (const bad of ["", "not-a-guid", guid.slice(1), `${guid}0`, "3f2b8c1e7a4d4e8b9c0f1a2b3c4d5e6f"]) {
      expect(errorsOf(createTokenSchema, { ...valid, guid: bad })).toEqual({ guid: ["A GUID looks like 3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f."] });
    }
  });

  test("several problems are reported together, each under its field", () => {
    expect(errorsOf(createTokenSchema, { name: "", scopes: [], validTo: "soon" })).toEqual({
      name: ["Name is required."],
      scopes: ["Choose at least one scope."],
      validTo: ["Use an ISO 8601 date and time, e.g. 2030-01-31T12:00:00Z."],
    });
  });

  test("input that is not an object is one clear form error", () => {
    for (const input of [null, undefined, "name=x", 42, []]) {
      expect(errorsOf(createTokenSchema, input)).toEqual({ form: ["Expected object with the token's fields."] });
    }
  });
});

describe("updateTokenSchema", () => {
  test("every field is optional and a missing one is left out, not emptied", () => {
    expect(updateTokenSchema.parse({})).toEqual({});
    expect(updateTokenSchema.parse({ name: "renamed" })).toEqual({ name: "renamed" });
  });

  test("fields that are present follow the create rules", () => {
    expect(errorsOf(updateTokenSchema, { name: " ", scopes: [] })).toEqual({
      name: ["Name is required."],
      scopes: ["Choose at least one scope."],
    });
    expect(updateTokenSchema.parse({ description: null })).toEqual({ description: "" });
    expect(updateTokenSchema.parse({ validTo: "" })).toEqual({ validTo: null });
  });

  test("input that is not an object is one clear form error", () => {
    for (const input of [null, "x", 1]) expect(errorsOf(updateTokenSchema, input)).toEqual({ form: ["Expected object with the token's fields."] });
  });
});

describe("unknown fields", () => {
  const accepted = "The accepted fields are: name, description, scopes, validFrom, validTo";

  test("are refused by create, each named, with the field most likely meant", () => {
    expect(errorsOf(createTokenSchema, { ...valid, valid_to: "2030-01-01T00:00:00Z" })).toEqual({
      valid_to: [`Unknown field. Did you mean validTo? ${accepted}, guid.`],
    });
    expect(errorsOf(createTokenSchema, { ...valid, expires_at: "2030-01-01T00:00:00Z" })).toEqual({
      expires_at: [`Unknown field. ${accepted}, guid.`],
    });
    expect(errorsOf(createTokenSchema, { ...valid, scope: "tokens:read" })).toEqual({ scope: [`Unknown field. Did you mean scopes? ${accepted}, guid.`] });
  });

  test("several are each named, beside the other fields' problems", () => {
    const errors = errorsOf(createTokenSchema, { name: "", scopes: ["tokens:read"], validTo: "2030-01-01T00:00:00", colour: "red", ValidTo: 1 });
    expect(Object.keys(errors).sort()).toEqual(["ValidTo", "colour", "name", "validTo"]);
    expect(errors.colour).toEqual([`Unknown field. ${accepted}, guid.`]);
    expect(errors.ValidTo).toEqual(errors.colour);
  });

  test("are refused by edits, which do not take a GUID either", () => {
    expect(errorsOf(updateTokenSchema, { nmae: "x" })).toEqual({ nmae: [`Unknown field. Did you mean name? ${accepted}.`] });
    expect(errorsOf(updateTokenSchema, { guid: "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f" })).toEqual({ guid: [`Unknown field. ${accepted}.`] });
    expect(updateTokenSchema.parse({})).toEqual({});
  });

  test("are refused by rotation and introspection", () => {
    expect(errorsOf(rotateTokenSchema, { overlap: 60 })).toEqual({
      overlap: ["Unknown field. Did you mean overlapSeconds? The accepted fields are: overlapSeconds, validTo."],
    });
    expect(errorsOf(introspectionRequestSchema, { token: "tgp_x", client_id: "x" })).toEqual({
      client_id: ["Unknown field. The accepted fields are: token, token_type_hint."],
    });
    expect(introspectionRequestSchema.parse({ token: "tgp_x", token_type_hint: "access_token" })).toEqual({ token: "tgp_x", token_type_hint: "access_token" });
    expect(errorsOf(introspectionRequestSchema, {})).toEqual({ token: ["Send the token to check in the `token` parameter, as a string."] });
  });
});

describe("rotateTokenSchema", () => {
  test("overlap defaults to none and is a whole number of seconds up to 30 days", () => {
    expect(rotateTokenSchema.parse({})).toEqual({ overlapSeconds: 0 });
    expect(rotateTokenSchema.parse({ overlapSeconds: MAX_ROTATION_OVERLAP_SECONDS })).toEqual({ overlapSeconds: MAX_ROTATION_OVERLAP_SECONDS });
    expect(errorsOf(rotateTokenSchema, { overlapSeconds: -1 })).toEqual({ overlapSeconds: ["overlapSeconds cannot be negative."] });
    expect(errorsOf(rotateTokenSchema, { overlapSeconds: 1.5 })).toEqual({ overlapSeconds: ["overlapSeconds must be a whole number of seconds."] });
    expect(errorsOf(rotateTokenSchema, { overlapSeconds: MAX_ROTATION_OVERLAP_SECONDS + 1 })).toEqual({
      overlapSeconds: ["The old secret can keep working for at most 30 days."],
    });
    expect(errorsOf(rotateTokenSchema, { overlapSeconds: "3600" })).toEqual({ overlapSeconds: ["overlapSeconds must be a number of seconds."] });
  });

  test("validTo left out keeps the end, null removes it, an instant with its zone sets it", () => {
    expect(rotateTokenSchema.parse({})).not.toHaveProperty("validTo");
    expect(rotateTokenSchema.parse({ validTo: null })).toEqual({ overlapSeconds: 0, validTo: null });
    expect(rotateTokenSchema.parse({ validTo: "2030-01-31T12:00:00Z" })).toEqual({ overlapSeconds: 0, validTo: "2030-01-31T12:00:00Z" });
    expect(errorsOf(rotateTokenSchema, { validTo: "2030-01-31T12:00" })).toEqual({ validTo: [TIME_ZONE_MESSAGE] });
    expect(errorsOf(rotateTokenSchema, { validTo: "soon" })).toEqual({ validTo: ["Use an ISO 8601 date and time, e.g. 2030-01-31T12:00:00Z."] });
  });

  test("options that are not an object are one clear form error", () => {
    for (const input of ["3600", 3600, []]) expect(errorsOf(rotateTokenSchema, input)).toEqual({ form: ["Expected object with the rotation options."] });
  });
});

describe("validityProblems", () => {
  const now = new Date("2030-06-15T12:00:00.000Z");
  const at = (ms: number) => new Date(now.getTime() + ms);
  const HOUR = 3_600_000;

  test("no dates, or dates in the future in the right order, are fine", () => {
    expect(validityProblems({ validFrom: null, validTo: null }, now)).toEqual({});
    expect(validityProblems({ validFrom: at(HOUR), validTo: at(2 * HOUR) }, now)).toEqual({});
    expect(validityProblems({ validFrom: null, validTo: at(1) }, now)).toEqual({});
  });

  test("valid-from in the past is refused, except within the one-minute grace of the minute pickers", () => {
    expect(validityProblems({ validFrom: at(-PAST_GRACE_MS), validTo: null }, now)).toEqual({});
    expect(validityProblems({ validFrom: at(-PAST_GRACE_MS - 1), validTo: null }, now)).toEqual({ validFrom: ["Valid from cannot be in the past."] });
  });

  test("valid-to in the past is refused, with the same grace", () => {
    expect(validityProblems({ validFrom: null, validTo: at(-PAST_GRACE_MS - 1) }, now)).toEqual({ validTo: ["Valid to cannot be in the past."] });
    expect(validityProblems({ validFrom: at(-PAST_GRACE_MS), validTo: at(-PAST_GRACE_MS + 1) }, now)).toEqual({});
  });

  test("valid-to must come after valid-from (or after now when there is none)", () => {
    expect(validityProblems({ validFrom: at(HOUR), validTo: at(HOUR) }, now)).toEqual({ validTo: ["Valid to must be after valid from."] });
    expect(validityProblems({ validFrom: at(2 * HOUR), validTo: at(HOUR) }, now)).toEqual({ validTo: ["Valid to must be after valid from."] });
    expect(validityProblems({ validFrom: null, validTo: at(0) }, now)).toEqual({ validTo: ["Valid to must be after valid from."] });
    // Within the grace: not "in the past", but still not after now.
    expect(validityProblems({ validFrom: null, validTo: at(-1000) }, now)).toEqual({ validTo: ["Valid to must be after valid from."] });
  });

  test("when editing, unchanged past dates are kept without complaint", () => {
    const previous = { validFrom: at(-365 * 24 * HOUR), validTo: at(-HOUR) };
    expect(validityProblems({ validFrom: previous.validFrom, validTo: null }, now, previous)).toEqual({});
    expect(validityProblems({ ...previous }, now, previous)).toEqual({});
    // A new past date is still refused.
    expect(validityProblems({ validFrom: at(-2 * HOUR), validTo: null }, now, previous)).toEqual({ validFrom: ["Valid from cannot be in the past."] });
    expect(validityProblems({ validFrom: previous.validFrom, validTo: at(-2 * HOUR) }, now, previous)).toEqual({
      validTo: ["Valid to cannot be in the past."],
    });
    // A stored window with valid-to = valid-from (revoked the instant it began) may be sent back as it is.
    const revokedAtStart = { validFrom: at(-HOUR), validTo: at(-HOUR) };
    expect(validityProblems({ ...revokedAtStart }, now, revokedAtStart)).toEqual({});
    // And a new valid-to must still come after the kept valid-from.
    expect(validityProblems({ validFrom: at(HOUR), validTo: at(HOUR / 2) }, now, previous)).toEqual({ validTo: ["Valid to must be after valid from."] });
  });
});

describe("fieldErrorsOf", () => {
  test("groups messages by top-level field, once each; errors without a field go under form", () => {
    expect(
      fieldErrorsOf([
        { path: ["scopes", 0], message: "bad" },
        { path: ["scopes", 3], message: "bad" },
        { path: ["name"], message: "required" },
        { path: [], message: "whole" },
      ]),
    ).toEqual({ scopes: ["bad"], name: ["required"], form: ["whole"] });
  });
});
