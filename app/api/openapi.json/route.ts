import { openApiDocument } from "@/lib/openapi";

// Built once, at build time: the document only changes with the code.
export const dynamic = "force-static";

export function GET(): Response {
  return Response.json(openApiDocument());
}
