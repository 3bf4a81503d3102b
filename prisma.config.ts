import { defineConfig } from "prisma/config";

// Migrations are plain SQL files applied by lib/db/migrate.ts (Prisma's schema engine cannot be
// downloaded on our build machines); this file only tells the CLI where the schema lives.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
