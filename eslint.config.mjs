import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // Generated or installed, not ours to lint.
  globalIgnores([".next/**", "lib/generated/**", "node_modules/**", "next-env.d.ts", "data/**", "test-results/**", ".tmp/**"]),
  {
    rules: {
      // `const { [field]: _dropped, ...rest } = object` is how a key is left out of a copy.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
    },
  },
  {
    // CommonJS that Node loads as it is (server.js runs without a build step; Jest's config).
    files: ["**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["tests/**"],
    rules: {
      // jest.isolateModules needs a synchronous require, and server.js is CommonJS.
      "@typescript-eslint/no-require-imports": "off",
      // Tests read parsed JSON (answers, the OpenAPI document) whose shape is what they assert.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // useSeededServer, useFreshDatabase, useAppInBrowser are Jest setup (beforeAll/afterAll), not React hooks.
    files: ["tests/api/**", "tests/db/**", "tests/e2e/**", "tests/helpers/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
]);
