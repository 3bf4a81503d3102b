import "server-only";
import { fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { introspectionRequestSchema } from "@/lib/validation/tokens";
import { MAX_BODY_BYTES } from "./limits";
import { ApiError } from "./responses";

const FORM = "application/x-www-form-urlencoded";

function mediaType(request: Request): string | null {
  const header = request.headers.get("content-type");
  return header ? header.split(";")[0]!.trim().toLowerCase() : null;
}

const isJson = (type: string) => type === "application/json" || type.endsWith("+json");

function tooLarge(limit: number): ApiError {
  return new ApiError("payload_too_large", `The request body is larger than ${limit / 1024} KiB.`);
}

/** The body as text, read no further than the limit, whatever Content-Length claims. */
async function readText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  if (Number(request.headers.get("content-length")) > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError("invalid_request", "The request body is not valid UTF-8 text.");
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError("invalid_request", `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function unsupported(expected: string): ApiError {
  return new ApiError("unsupported_media_type", `Send the body as ${expected}.`);
}

/**
 * A JSON object body. The fields are validated by the service with the shared schemas; this only
 * makes sure there is an object to validate. `optional`: an empty body counts as `{}`;
 * `maxBytes`: a route's own limit, where the general one is too small (a leak report).
 */
export async function readJsonObject(request: Request, options: { optional?: boolean; maxBytes?: number } = {}): Promise<Record<string, unknown>> {
  const text = await readText(request, options.maxBytes);
  if (!text.trim()) {
    if (options.optional) return {};
    throw new ApiError("invalid_request", "The request body is empty: send a JSON object.");
  }
  const type = mediaType(request);
  if (!type || !isJson(type)) throw unsupported("JSON, with the header Content-Type: application/json");
  const value = parseJson(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError("invalid_request", "The request body must be a JSON object, such as {\"name\": \"CI deploy\"}.");
  }
  return value as Record<string, unknown>;
}

/**
 * The `token` parameter of an introspection request: form-encoded as RFC 7662 §2.1 says, or,
 * for clients that find that awkward, a JSON object with the same members. Either way only
 * `token` and `token_type_hint` are accepted, each once: a second `token` would leave open which
 * one was checked.
 */
export async function readIntrospectionToken(request: Request): Promise<string> {
  const type = mediaType(request);
  if (!type || (type !== FORM && !isJson(type))) throw unsupported(`${FORM} (token=...) or JSON ({"token": "..."})`);
  const text = await readText(request);
  const errors: FieldErrors = {};
  let given: unknown = {};
  if (type === FORM) {
    const params = new URLSearchParams(text);
    const fields: Record<string, string> = {};
    for (const name of new Set(params.keys())) {
      if (params.getAll(name).length > 1) errors[name] = ["Give this parameter once."];
      else fields[name] = params.get(name)!;
    }
    given = fields;
  } else if (text.trim()) {
    given = parseJson(text);
  }
  const parsed = introspectionRequestSchema.safeParse(given);
  if (!parsed.success) Object.assign(errors, fieldErrorsOf(parsed.error.issues));
  if (Object.keys(errors).length || !parsed.success) {
    throw new ApiError("invalid_request", "Say which token to check, in the parameters introspection accepts.", { fields: errors });
  }
  return parsed.data.token;
}
