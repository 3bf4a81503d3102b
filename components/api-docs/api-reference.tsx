import type { ReactNode } from "react";
import type { OpenApiDocument } from "@/lib/openapi";

/**
 * The API reference as plain HTML, rendered on the server from our own OpenAPI document: no viewer
 * JavaScript reaches the browser. docs/api-reference.md says why this and not a viewer library.
 * It reads only the parts of OpenAPI 3.1 that lib/openapi.ts writes.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
};
type Media = Record<string, { schema?: Schema }>;
type Response = { $ref?: string; description?: string; content?: Media; headers?: Record<string, { description?: string }> };
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type Operation = {
  operationId: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Media };
  responses: Record<string, Response>;
};
type Reference = {
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; responses?: Record<string, Response>; securitySchemes?: Record<string, { description?: string }> };
};

const METHODS = ["get", "post", "put", "patch", "delete"];

const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);
const anchor = (kind: "op" | "schema", name: string) => `${kind}-${name}`;

/** Our descriptions use `code` and blank-line paragraphs, nothing more of Markdown. */
function Inline({ children }: { children?: string }) {
  return children?.split("`").map((part, i) => (i % 2 ? <code key={i} className="rounded bg-gray-100 px-1 text-[0.9em]">{part}</code> : part));
}

function Text({ children }: { children?: string }) {
  return children?.split(/\n\n+/).map((paragraph, i) => (
    <p key={i} className="mt-2 text-gray-800">
      <Inline>{paragraph}</Inline>
    </p>
  ));
}

function typeOf(schema: Schema | undefined): ReactNode {
  if (!schema) return "any";
  if (schema.$ref) return <a href={`#${anchor("schema", refName(schema.$ref))}`} className="text-blue-800 underline">{refName(schema.$ref)}</a>;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map((alternative, i) => <span key={i}>{i > 0 && " or "}{typeOf(alternative)}</span>);
  if (schema.const !== undefined) return <code>{JSON.stringify(schema.const)}</code>;
  if (schema.enum) return <code>{schema.enum.map((value) => JSON.stringify(value)).join(" | ")}</code>;
  if (schema.type === "array") return <>array of {typeOf(schema.items)}</>;
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any");
  return schema.format ? `${type} (${schema.format})` : type;
}

function limitsOf(schema: Schema): string[] {
  const limits: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) limits.push(`${min}–${max} ${unit}`);
    else if (max !== undefined) limits.push(`at most ${max} ${unit}`);
    else if (min !== undefined) limits.push(`at least ${min} ${unit}`);
  };
  range(schema.minLength, schema.maxLength, "characters");
  range(schema.minItems, schema.maxItems, "items");
  range(schema.minimum, schema.maximum, "(value)");
  for (const alternative of schema.anyOf ?? []) limits.push(...limitsOf(alternative));
  if (schema.default !== undefined && schema.default !== "") limits.push(`default ${JSON.stringify(schema.default)}`);
  return limits;
}

function FieldTable({ label, schema, reference }: { label: string; schema: Schema; reference: Reference }) {
  const resolved = schema.$ref ? reference.components?.schemas?.[refName(schema.$ref)] : schema;
  if (!resolved?.properties) return <p className="mt-2 text-gray-800">{label}: {typeOf(schema)}</p>;
  const required = new Set(resolved.required ?? []);
  return (
    <table className="mt-2 w-full border-collapse text-left text-sm">
      <caption className="text-left font-medium text-gray-900">{label}{schema.$ref && <>: {typeOf(schema)}</>}</caption>
      <thead>
        <tr className="border-b border-gray-300">
          <th scope="col" className="py-1 pr-4">Field</th>
          <th scope="col" className="py-1 pr-4">Type</th>
          <th scope="col" className="py-1">Description</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(resolved.properties).map(([name, property]) => (
          <tr key={name} className="border-b border-gray-200 align-top">
            <td className="py-1 pr-4 font-mono">
              {name}
              {required.has(name) && <span className="ml-1 font-sans text-xs text-red-800">required</span>}
            </td>
            <td className="break-words py-1 pr-4">{typeOf(property)}</td>
            <td className="py-1 text-gray-800">
              <Inline>{property.description}</Inline>
              {limitsOf(property).length > 0 && <span className="block text-gray-700">{limitsOf(property).join("; ")}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OperationSection({ method, path, operation, reference }: { method: string; path: string; operation: Operation; reference: Reference }) {
  const scopes = operation.security?.flatMap((requirement) => Object.values(requirement).flat()) ?? [];
  const needsToken = (operation.security?.length ?? 1) > 0;
  const parameters = operation.parameters ?? [];
  return (
    <section id={anchor("op", operation.operationId)} aria-labelledby={`${anchor("op", operation.operationId)}-title`} className="border-t border-gray-200 py-6">
      <h3 id={`${anchor("op", operation.operationId)}-title`} className="text-lg font-semibold text-gray-900">
        {operation.summary}
      </h3>
      <p className="mt-1 font-mono text-sm">
        <span className="mr-2 rounded bg-gray-900 px-1.5 py-0.5 font-bold uppercase text-white">{method}</span>
        <span className="break-all">{path}</span>
      </p>
      <p className="mt-2 text-sm text-gray-800">
        {needsToken ? (scopes.length ? <>Bearer token with the scope <code>{scopes.join(", ")}</code>.</> : "Any valid bearer token.") : "No token needed."}
      </p>
      {/* lib/openapi.ts appends the scope to the description for viewers that show no security; said above already. */}
      <Text>{withoutScopeParagraph(operation.description)}</Text>

      {parameters.length > 0 && (
        <table className="mt-4 w-full border-collapse text-left text-sm">
          <caption className="text-left font-medium text-gray-900">Parameters</caption>
          <thead>
            <tr className="border-b border-gray-300">
              <th scope="col" className="py-1 pr-4">Name</th>
              <th scope="col" className="py-1 pr-4">In</th>
              <th scope="col" className="py-1 pr-4">Type</th>
              <th scope="col" className="py-1">Description</th>
            </tr>
          </thead>
          <tbody>
            {parameters.map((parameter) => (
              <tr key={`${parameter.in}-${parameter.name}`} className="border-b border-gray-200 align-top">
                <td className="py-1 pr-4 font-mono">
                  {parameter.name}
                  {parameter.required && <span className="ml-1 font-sans text-xs text-red-800">required</span>}
                </td>
                <td className="py-1 pr-4">{parameter.in}</td>
                <td className="break-words py-1 pr-4">{typeOf(parameter.schema)}</td>
                <td className="py-1 text-gray-800">
                  <Inline>{parameter.description}</Inline>
                  {parameter.schema && limitsOf(parameter.schema).length > 0 && <span className="block text-gray-700">{limitsOf(parameter.schema).join("; ")}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {Object.entries(operation.requestBody?.content ?? {}).map(([type, media]) => (
        <div key={type} className="mt-4">
          {media.schema && <FieldTable label={`Request body (${type}${operation.requestBody?.required ? "" : ", optional"})`} schema={media.schema} reference={reference} />}
        </div>
      ))}

      <h4 className="mt-4 font-medium text-gray-900">Responses</h4>
      <dl className="mt-1 text-sm">
        {Object.entries(operation.responses).map(([status, response]) => {
          const resolved = response.$ref ? (reference.components?.responses?.[refName(response.$ref)] ?? response) : response;
          const body = resolved.content?.["application/json"]?.schema;
          return (
            <div key={status} className="flex gap-3 border-b border-gray-200 py-1">
              <dt className="w-12 shrink-0 font-mono font-semibold">{status}</dt>
              <dd className="min-w-0 text-gray-800">
                <Inline>{resolved.description}</Inline>
                {body && <> Body: {typeOf(body)}.</>}
                {Object.entries(resolved.headers ?? {}).map(([name, header]) => (
                  <span key={name} className="block">
                    Header <code>{name}</code>: <Inline>{header.description}</Inline>
                  </span>
                ))}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}

export function ApiReference({ document }: { document: OpenApiDocument }) {
  const reference = document as unknown as Reference;
  const operations = Object.entries(reference.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method]! })),
  );
  const tags = reference.tags ?? [];
  const schemes = Object.values(reference.components?.securitySchemes ?? {});
  return (
    // wrap-anywhere: long names and types break rather than push the tables wider than a phone.
    <div className="mx-auto max-w-5xl px-4 py-6 wrap-anywhere sm:px-6">
      <h1 className="text-2xl font-bold text-gray-900">
        {reference.info.title} <span className="text-base font-normal text-gray-700">version {reference.info.version}</span>
      </h1>
      <Text>{reference.info.description}</Text>
      {schemes.map((scheme, i) => (
        <Text key={i}>{`Authentication: \`Authorization: Bearer <token>\`. ${scheme.description ?? ""}`}</Text>
      ))}

      <nav aria-label="Operations" className="mt-6">
        <h2 className="text-lg font-semibold text-gray-900">Operations</h2>
        {tags.map((tag) => (
          <div key={tag.name} className="mt-2">
            <h3 className="font-medium text-gray-900">{tag.name}</h3>
            <ul className="ml-4 list-disc text-sm">
              {operations
                .filter(({ operation }) => operation.tags?.includes(tag.name))
                .map(({ path, method, operation }) => (
                  <li key={operation.operationId}>
                    <a href={`#${anchor("op", operation.operationId)}`} className="text-blue-800 underline">
                      {operation.summary}
                    </a>{" "}
                    <code className="text-gray-700">
                      {method.toUpperCase()} {path}
                    </code>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </nav>

      {tags.map((tag) => (
        <section key={tag.name} aria-labelledby={`tag-${tag.name}`} className="mt-8">
          <h2 id={`tag-${tag.name}`} className="text-xl font-semibold text-gray-900">
            {tag.name}
          </h2>
          <Text>{tag.description}</Text>
          {operations
            .filter(({ operation }) => operation.tags?.includes(tag.name))
            .map(({ path, method, operation }) => (
              <OperationSection key={operation.operationId} method={method} path={path} operation={operation} reference={reference} />
            ))}
        </section>
      ))}

      <section aria-labelledby="schemas" className="mt-8">
        <h2 id="schemas" className="text-xl font-semibold text-gray-900">
          Schemas
        </h2>
        {Object.entries(reference.components?.schemas ?? {}).map(([name, schema]) => (
          <div key={name} id={anchor("schema", name)} className="border-t border-gray-200 py-4">
            <h3 className="font-mono text-base font-semibold text-gray-900">{name}</h3>
            <Text>{schema.description}</Text>
            {schema.properties ? <FieldTable label="Fields" schema={schema} reference={reference} /> : <p className="mt-2 text-sm text-gray-800">{typeOf(schema)}</p>}
          </div>
        ))}
      </section>
    </div>
  );
}

/** The description without its last paragraph when that one only names the scope (lib/openapi.ts writes it). */
function withoutScopeParagraph(description: string | undefined): string | undefined {
  const paragraphs = description?.split("\n\n");
  if (paragraphs && /^(Needs the scope `|Any valid token\.$)/.test(paragraphs.at(-1)!)) paragraphs.pop();
  return paragraphs?.join("\n\n");
}
