/**
 * Tollgate's own scopes: the only ones its routes check. The database catalogue (table `scopes`,
 * seeded by SQL migrations) holds these and, later, scopes administrators add for their own
 * services (issue 13), which Tollgate only carries and reports in introspection. A built-in scope
 * is one named here; tests/db/scopes.test.ts checks the seed against this table and
 * tests/unit/openapi.test.ts checks `guards` against the routes' OpenAPI security.
 */
export const BUILT_IN_SCOPES = {
  "tokens:read": {
    description: "List and view your API tokens",
    guards: ["GET /api/v1/tokens", "GET /api/v1/tokens/{guid}", "GET /api/v1/tokens/{guid}/usage", "GET /api/v1/audit-events"],
  },
  "tokens:write": {
    description: "Create, edit, revoke, rotate and delete your API tokens",
    guards: [
      "POST /api/v1/tokens",
      "PATCH /api/v1/tokens/{guid}",
      "DELETE /api/v1/tokens/{guid}",
      "POST /api/v1/tokens/{guid}/revoke",
      "POST /api/v1/tokens/{guid}/rotate",
      "POST /api/v1/tokens/{guid}/end-overlap",
    ],
  },
  "tokens:introspect": {
    description: "Ask whether another token is active (for services that accept Tollgate tokens)",
    guards: ["POST /api/v1/introspect", "GET /api/v1/introspect/changes"],
  },
  "metrics:read": {
    description: "Read the service's operational counters (for operators and benchmarks)",
    guards: ["GET /api/metrics"],
  },
  // Only an administrator can hold these, and a token carries them only while its owner is one.
  "admin:read": {
    description: "Read users, scopes, every token and the policies (administrators only)",
    adminOnly: true,
    guards: [
      "GET /api/v1/admin/scopes",
      "GET /api/v1/admin/users",
      "GET /api/v1/admin/users/{id}",
      "GET /api/v1/admin/policies",
      "GET /api/v1/admin/tokens",
      "GET /api/v1/admin/tokens/{guid}/usage",
    ],
  },
  "admin:write": {
    description: "Change users, grants, scopes, tokens and policies (administrators only)",
    adminOnly: true,
    guards: [
      "POST /api/v1/admin/scopes",
      "PATCH /api/v1/admin/scopes/{name}",
      "POST /api/v1/admin/scopes/{name}/retire",
      "DELETE /api/v1/admin/users/{id}",
      "POST /api/v1/admin/users/{id}/disable",
      "POST /api/v1/admin/users/{id}/enable",
      "PUT /api/v1/admin/users/{id}/scopes/{scope}",
      "DELETE /api/v1/admin/users/{id}/scopes/{scope}",
      "PATCH /api/v1/admin/policies",
      "POST /api/v1/admin/tokens/{guid}/revoke",
    ],
  },
} as const satisfies Record<string, { description: string; guards: readonly string[]; adminOnly?: true }>;

export type BuiltInScope = keyof typeof BUILT_IN_SCOPES;

export const BUILT_IN_SCOPE_NAMES = Object.keys(BUILT_IN_SCOPES) as BuiltInScope[];

export function isBuiltInScope(name: string): name is BuiltInScope {
  return Object.hasOwn(BUILT_IN_SCOPES, name);
}

/** The scopes only administrators may hold (admin:read, admin:write). */
export const ADMIN_ONLY_SCOPES: readonly BuiltInScope[] = BUILT_IN_SCOPE_NAMES.filter((name) => "adminOnly" in BUILT_IN_SCOPES[name]);

export function isAdminOnlyScope(name: string): boolean {
  return (ADMIN_ONLY_SCOPES as readonly string[]).includes(name);
}
