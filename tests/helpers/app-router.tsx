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
  // A wrapper, not a parent element: rerender() keeps it.
  const result = render(ui, { wrapper: ({ children }) => <AppRouterContext.Provider value={router}>{children}</AppRouterContext.Provider> });
  return Object.assign(result, { pushed });
}
