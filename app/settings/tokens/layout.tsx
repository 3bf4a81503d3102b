import type { ReactNode } from "react";
import { requireUser } from "@/lib/session";
import { TOKENS_PATH } from "@/components/tokens/list-href";

/**
 * The page checks the user itself; this check runs earlier, outside the Suspense boundary of
 * loading.tsx, so that a signed-out visitor gets a real 307 to the sign-in page instead of a 200
 * loading skeleton followed by a client-side redirect.
 */
export default async function TokensLayout({ children }: { children: ReactNode }) {
  await requireUser(TOKENS_PATH);
  return children;
}
