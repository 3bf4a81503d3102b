import type { ReactNode } from "react";
import { requireUser } from "@/lib/session";
import { TOKENS_PATH } from "@/lib/paths";

/**
 * The page checks the user itself; this check runs earlier, outside the Suspense boundary of this
 * route's loading.tsx, so a signed-out visitor never sees the token list's skeleton. The root
 * app/loading.tsx still makes the answer stream, so the redirect arrives as a 200 carrying Next's
 * redirect instruction (which the browser follows), not as a 307.
 */
export default async function TokensLayout({ children }: { children: ReactNode }) {
  await requireUser(TOKENS_PATH);
  return children;
}
