import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Server code never imports from components/ (docs/architecture.md): what the server produces
 * (types, paths, serializers) lives in lib/ or beside the actions, and components import it from
 * there. The one exception is rendering: a route file that renders (page, layout, error, ...) may
 * import a component module (.tsx) or a module of class names (styles.ts) to render with.
 */
const ROOT = process.cwd();
const RENDERING_ROUTE_FILES = /^(page|layout|template|error|global-error|not-found|loading)\.tsx$/;
const RENDERING_MODULES = /(\.tsx|\/styles\.ts)$/;

function filesUnder(dir: string): string[] {
  const full = path.join(ROOT, dir);
  return readdirSync(full).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(ROOT, relative)).isDirectory()) return name === "generated" ? [] : filesUnder(relative);
    return /\.(ts|tsx|js)$/.test(name) ? [relative] : [];
  });
}

const isClientModule = (source: string) => /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*["']use client["']/.test(source);

/** Every module a file names: static imports and re-exports, dynamic import(), require(). */
function specifiersOf(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\b(?:import|export)\s[^"';]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g]) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

/** The repository path an import names, when it points into the repository. */
function resolve(from: string, specifier: string): string | null {
  if (specifier.startsWith("@/")) return specifier.slice(2);
  if (specifier.startsWith(".")) return path.join(path.dirname(from), specifier).split(path.sep).join("/");
  return null;
}

function componentModuleFile(target: string): string | null {
  for (const candidate of [target, `${target}.tsx`, `${target}.ts`, `${target}/index.tsx`, `${target}/index.ts`]) {
    try {
      if (statSync(path.join(ROOT, candidate)).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

const serverFiles = [...filesUnder("app"), ...filesUnder("lib"), ...filesUnder("scripts"), "proxy.ts", "instrumentation.ts", "instrumentation-node.ts", "server.js"]
  .map((file) => file.split(path.sep).join("/"))
  .filter((file) => !isClientModule(readFileSync(path.join(ROOT, file), "utf8")));

function violations(): string[] {
  const found: string[] = [];
  for (const file of serverFiles) {
    for (const specifier of specifiersOf(readFileSync(path.join(ROOT, file), "utf8"))) {
      const target = resolve(file, specifier);
      if (!target?.startsWith("components/")) continue;
      const component = componentModuleFile(target);
      const rendering = RENDERING_ROUTE_FILES.test(path.basename(file)) && file.startsWith("app/") && RENDERING_MODULES.test(component ?? "");
      if (!rendering) found.push(`${file} -> ${target}`);
    }
  }
  return found;
}

test("the scan sees the server files, and the page's import of the component it renders", () => {
  expect(serverFiles).toEqual(expect.arrayContaining(["app/settings/tokens/actions.ts", "lib/tokens/service.ts", "app/settings/tokens/page.tsx"]));
  expect(serverFiles).not.toContain("app/error.tsx"); // a client component
  expect(specifiersOf(readFileSync(path.join(ROOT, "app/settings/tokens/page.tsx"), "utf8"))).toContain("@/components/tokens/tokens-view");
});

test("no server module imports a non-rendering module from components/", () => {
  expect(violations()).toEqual([]);
});

test("the rule catches what it is meant to", () => {
  expect(specifiersOf('import type { X } from "@/components/tokens/types";\nexport { y } from "../components/a";')).toEqual([
    "@/components/tokens/types",
    "../components/a",
  ]);
  expect(resolve("app/settings/tokens/actions.ts", "../../../components/tokens/types")).toBe("components/tokens/types");
  expect(isClientModule('"use client";\nimport x from "y";')).toBe(true);
  expect(isClientModule('// why\n"use client";')).toBe(true);
  expect(isClientModule('import "server-only";')).toBe(false);
});
