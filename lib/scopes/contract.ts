import { z } from "@/lib/validation/zod";
import type { ActionResult } from "@/lib/actions/result";

/**
 * A catalogue scope as it leaves the server to administrators: the admin API's answers, the
 * /admin/scopes page's actions and components, and the OpenAPI document use this schema, and
 * `serializeScope` is the one mapping into it. Nothing here may be server-only.
 */
const timestamp = z.iso.datetime().meta({ example: "2030-01-31T12:00:00.000Z" });

export const catalogueScopeSchema = z
  .object({
    name: z.string().meta({ example: "billing:read" }),
    description: z.string(),
    builtIn: z.boolean().meta({ description: "One of Tollgate's own scopes: its description comes from Tollgate's code, and it cannot be retired." }),
    adminOnly: z.boolean().meta({ description: "Only administrators can hold it (admin:read, admin:write)." }),
    default: z.boolean().meta({ description: "New accounts receive it." }),
    holders: z.number().int().meta({ description: "Users who hold it now." }),
    tokens: z.number().int().meta({ description: "Tokens (not revoked, not expired) that carry it." }),
    createdAt: timestamp,
    retiredAt: timestamp.nullable().meta({ description: "null: in use. A retired scope is held by nobody and can never be granted again." }),
  })
  .meta({ id: "CatalogueScope" });

export type CatalogueScope = z.infer<typeof catalogueScopeSchema>;
export type CatalogueScopeView = Omit<CatalogueScope, "createdAt" | "retiredAt"> & { createdAt: Date; retiredAt: Date | null };

export const scopeCatalogueSchema = z.object({ scopes: z.array(catalogueScopeSchema) }).meta({ id: "ScopeCatalogue" });

export function serializeScope(view: CatalogueScopeView): CatalogueScope {
  return { ...view, createdAt: view.createdAt.toISOString(), retiredAt: view.retiredAt?.toISOString() ?? null };
}

export type ScopeResult = ActionResult<{ scope: CatalogueScope }>;

/** The /admin/scopes page's server actions as its client components receive them (props, so tests can pass their own). */
export type ScopeActions = {
  create: (input: unknown) => Promise<ScopeResult>;
  edit: (name: string, input: unknown) => Promise<ScopeResult>;
  read: (name: string) => Promise<ScopeResult>;
  retire: (name: string) => Promise<ScopeResult>;
};
