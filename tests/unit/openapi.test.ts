import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { openApiDocument } from "@/lib/openapi";
import { BUILT_IN_SCOPES, BUILT_IN_SCOPE_NAMES } from "@/lib/scopes/built-in";
import { createTokenSchema } from "@/lib/validation/tokens";
import { TOKEN_LIST_PARAMETERS } from "@/lib/validation/token-list";

/**
 * The OpenAPI document: well-formed OpenAPI 3.1 (a structural check of what we generate; zod-openapi
 * writes the schemas), and in step with the route handlers that actually exist.
 */
const document = JSON.parse(JSON.stringify(openApiDocument()));
const HTTP_METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

/**
 * Every `route.ts` under app/api with the methods it exports, as OpenAPI paths, except:
 * - app/api/auth/[...nextauth]: next-auth's sign-in machinery (CSRF token, callbacks, session
 *   cookie) for the browser, not part of the token API; describing it would invite programs to
 *   depend on it.
 * - app/api/v1/[...path]: the JSON 404 for paths that are not routes at all.
 */
const NOT_DOCUMENTED = ["/api/auth/{...nextauth}", "/api/v1/{...path}"];

function routeHandlers(): { path: string; method: string }[] {
  const root = path.join(process.cwd(), "app");
  const found: { path: string; method: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const route = "/" + path.relative(root, dir).split(path.sep).join("/");
        const openApiPath = route.replace(/\[([^\]]+)\]/g, "{$1}");
        const source = readFileSync(full, "utf8");
        for (const method of HTTP_METHODS) {
          const exported = new RegExp(`export\\s+(?:const\\s+${method}\\b|(?:async\\s+)?function\\s+${method}\\b|\\{[^}]*\\b${method}\\b[^}]*\\})`);
          if (exported.test(source)) found.push({ path: openApiPath, method: method.toLowerCase() });
        }
      }
    }
  };
  walk(path.join(root, "api"));
  return found;
}

function documentedOperations(): { path: string; method: string }[] {
  return Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([route, item]) =>
    Object.keys(item)
      .filter((key) => (HTTP_METHODS as readonly string[]).includes(key.toUpperCase()))
      .map((method) => ({ path: route, method })),
  );
}

const key = (op: { path: string; method: string }) => `${op.method.toUpperCase()} ${op.path}`;

describe("routes and document agree", () => {
  const handlers = routeHandlers();

  test("the walk finds the route handlers (including next-auth's, which is excluded on purpose)", () => {
    expect(handlers.map(key)).toEqual(expect.arrayContaining(["GET /api/v1/me", "POST /api/v1/tokens", "GET /api/auth/{...nextauth}"]));
  });

  test("every route handler's method is in the document", () => {
    const documented = new Set(documentedOperations().map(key));
    const missing = handlers.filter((op) => !NOT_DOCUMENTED.includes(op.path) && !documented.has(key(op))).map(key);
    expect(missing).toEqual([]);
  });

  test("every documented operation has a route handler", () => {
    const handled = new Set(handlers.map(key));
    const invented = documentedOperations().filter((op) => !handled.has(key(op))).map(key);
    expect(invented).toEqual([]);
  });
});

describe("OpenAPI 3.1 structure", () => {
  const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([route, item]) =>
    Object.entries(item).map(([method, operation]) => ({ route, method, operation })),
  );

  test("the top level", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    expect(Object.keys(document).every((k) => ["openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags", "externalDocs"].includes(k) || k.startsWith("x-"))).toBe(true);
    for (const route of Object.keys(document.paths)) expect(route).toMatch(/^\//);
  });

  test("operations: unique ids, responses with descriptions, declared path parameters", () => {
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { route, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      expect(statuses.some((s) => s.startsWith("2"))).toBe(true);
      for (const status of statuses) expect(status).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
      const templated = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p: any) => p.in === "path");
      expect(declared.map((p: any) => p.name).sort()).toEqual(templated.sort());
      for (const parameter of declared) expect(parameter.required).toBe(true);
    }
  });

  test("the list's query parameters are the declared ones, each with its description", () => {
    const parameters = document.paths["/api/v1/tokens"].get.parameters.filter((p: any) => p.in === "query");
    expect(parameters.map((p: any) => [p.name, p.description ?? p.schema?.description])).toEqual(
      Object.entries(TOKEN_LIST_PARAMETERS).map(([name, { description }]) => [name, description]),
    );
    const perPage = parameters.find((p: any) => p.name === "perPage");
    expect(perPage.schema).toMatchObject({ type: "integer", enum: [10, 20, 50, 100] });
  });

  test("every $ref points at something in the document", () => {
    const refs: string[] = [];
    const collect = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
          if (k === "$ref" && typeof v === "string") refs.push(v);
          else collect(v);
        }
      }
    };
    collect(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\//);
      const target = ref
        .slice(2)
        .split("/")
        .reduce<any>((node, part) => node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], document);
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });

  test("security: every requirement names a declared scheme; protected operations say which scope they need and answer 401/403", () => {
    const schemes = Object.keys(document.components.securitySchemes);
    for (const { route, operation } of operations) {
      for (const requirement of operation.security ?? []) for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
      const isPublic = route.startsWith("/api/health") || route === "/api/openapi.json" || route === "/api/v1/credentials/revoke";
      expect(operation.security).toEqual(isPublic ? [] : [{ bearerToken: expect.any(Array) }]);
      if (!isPublic) expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["401", "403", "429"]));
    }
    expect(document.paths["/api/v1/tokens"].post.security).toEqual([{ bearerToken: ["tokens:write"] }]);
    expect(document.paths["/api/v1/introspect"].post.security).toEqual([{ bearerToken: ["tokens:introspect"] }]);
  });
});

test("each built-in scope guards exactly the operations its table entry names, and no operation needs another scope", () => {
  const guardedBy: Record<string, string[]> = {};
  for (const [route, item] of Object.entries<any>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(item)) {
      for (const scope of operation.security?.[0]?.bearerToken ?? []) (guardedBy[scope] ??= []).push(`${method.toUpperCase()} ${route}`);
    }
  }
  expect(Object.keys(guardedBy).sort()).toEqual([...BUILT_IN_SCOPE_NAMES].sort());
  for (const name of BUILT_IN_SCOPE_NAMES) expect({ name, guards: guardedBy[name]!.sort() }).toEqual({ name, guards: [...BUILT_IN_SCOPES[name].guards].sort() });
});

test("request bodies come from the shared validation schemas", () => {
  const body = document.paths["/api/v1/tokens"].post.requestBody.content["application/json"].schema;
  expect(Object.keys(body.properties).sort()).toEqual(Object.keys(createTokenSchema.shape).sort());
  expect(body.required.sort()).toEqual(["name", "scopes"]);
  expect(body.properties.name.maxLength).toBe(100);
});

test("every request body refuses unknown fields, as the server does (additionalProperties: false)", () => {
  const resolve = (schema: any) => (schema.$ref ? document.components.schemas[schema.$ref.split("/").pop()] : schema);
  const bodies: [string, any][] = [];
  for (const [path, operations] of Object.entries<any>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(operations)) {
      for (const [type, media] of Object.entries<any>(operation.requestBody?.content ?? {})) bodies.push([`${method} ${path} ${type}`, resolve(media.schema)]);
    }
  }
  // Every operation that takes a body: the token routes, introspection as a form and as JSON, leak reports, and the admin routes.
  expect(bodies.map(([name]) => name).sort()).toEqual([
    "patch /api/v1/admin/policies application/json",
    "patch /api/v1/admin/scopes/{name} application/json",
    "patch /api/v1/tokens/{guid} application/json",
    "post /api/v1/admin/scopes application/json",
    "post /api/v1/admin/tokens/{guid}/revoke application/json",
    "post /api/v1/credentials/revoke application/json",
    "post /api/v1/introspect application/json",
    "post /api/v1/introspect application/x-www-form-urlencoded",
    "post /api/v1/tokens application/json",
    "post /api/v1/tokens/{guid}/rotate application/json",
  ]);
  for (const [name, schema] of bodies) expect([name, schema.type, schema.additionalProperties]).toEqual([name, "object", false]);
  expect(Object.keys(resolve(document.paths["/api/v1/introspect"].post.requestBody.content["application/json"].schema).properties)).toEqual([
    "token",
    "token_type_hint",
  ]);
});

test("the administrators' policies can refuse a create, an edit and a rotation: 422 policy_violation, naming the policy", () => {
  const error = document.components.schemas.Error.properties.error;
  expect(error.properties.code.enum).toContain("policy_violation");
  expect(error.properties.policy.enum).toEqual(["maxTokenLifetimeDays", "maxRotationOverlapSeconds", "maxActiveTokensPerUser"]);
  const operations = [document.paths["/api/v1/tokens"].post, document.paths["/api/v1/tokens/{guid}"].patch, document.paths["/api/v1/tokens/{guid}/rotate"].post];
  for (const operation of operations) expect(operation.responses["422"]).toEqual({ $ref: "#/components/responses/PolicyViolation" });
});

test("the error codes of a token managing tokens are documented", () => {
  const error = document.components.schemas.Error.properties.error;
  expect(error.properties.code.enum).toEqual(expect.arrayContaining(["insufficient_scope", "insufficient_lifetime"]));
  expect(error.properties.validTo).toMatchObject({ type: "string", format: "date-time" });
  expect(document.paths["/api/v1/tokens/{guid}"].patch.responses["403"]).toBeDefined();
});

test("leak reports need no token, take 1–1,000 strings and an optional source, and answer 202 or an error", () => {
  const operation = document.paths["/api/v1/credentials/revoke"].post;
  expect(operation.security).toEqual([]);
  const schema = document.components.schemas.LeakReport;
  expect(schema.required).toEqual(["credentials"]);
  expect(schema.properties.credentials).toMatchObject({ type: "array", minItems: 1, maxItems: 1000, items: { type: "string" } });
  expect(schema.properties.source).toMatchObject({ type: "string", maxLength: 2048 });
  expect(Object.keys(operation.responses).sort()).toEqual(["202", "400", "413", "415", "429", "500"]);
});
