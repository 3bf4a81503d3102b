import { render, type RenderResult } from "@testing-library/react";
import { AppRouterContext, type AppRouterInstance } from "next/dist/shared/lib/app-router-context.shared-runtime";

/**
 * Renders a client component that calls useRouter() outside a Next.js app, recording where it
 * navigates: jsdom cannot follow a navigation, and what the tests need to know is where it went.
 */
export function renderWithRouter(ui: React.ReactElement): RenderResult & { pushed: string[] } {
  const pushed: string[] = [];
  const router: AppRouterInstance = {
    back: () => undefined,
    forward: () => undefined,
    refresh: () => undefined,
    push: (href) => void pushed.push(href),
    replace: (href) => void pushed.push(href),
    prefetch: () => undefined,
    bfcacheId: "test",
  };
  const result = render(<AppRouterContext.Provider value={router}>{ui}</AppRouterContext.Provider>);
  return Object.assign(result, { pushed });
}
