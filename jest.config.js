// Jest through next/jest (SWC, the app's path aliases). Three projects:
//  unit        pure functions, no database
//  db          domain and action tests against a real database (PGlite, or PostgreSQL when
//              TEST_POSTGRES_URL is set; see tests/helpers/database.ts)
//  components  React components in jsdom with Testing Library
//  api         the built application (`next start`) called over HTTP (needs `npm run build` first)
//  e2e         the built application driven in Debian's Chromium through playwright-core
const nextJest = require("next/jest");

const createJestConfig = nextJest({ dir: __dirname });

const shared = {
  moduleNameMapper: { "^server-only$": "<rootDir>/tests/helpers/empty-module.js", "^@/(.*)$": "<rootDir>/$1" },
};

async function project(displayName, testEnvironment, testMatch, extra = {}) {
  const config = await createJestConfig({ ...shared, testEnvironment, ...extra })();
  return { ...config, displayName, testMatch };
}

module.exports = async () => ({
  projects: [
    await project("unit", "node", ["<rootDir>/tests/unit/**/*.test.ts"]),
    await project("db", "node", ["<rootDir>/tests/db/**/*.test.ts"]),
    await project("components", "jsdom", ["<rootDir>/tests/components/**/*.test.tsx"], {
      setupFilesAfterEnv: ["<rootDir>/tests/helpers/jest-dom.ts"],
    }),
    await project("api", "node", ["<rootDir>/tests/api/**/*.test.ts"]),
    await project("e2e", "node", ["<rootDir>/tests/e2e/**/*.test.ts"], {
      setupFilesAfterEnv: ["<rootDir>/tests/helpers/policy-guard.ts"],
    }),
  ],
});
