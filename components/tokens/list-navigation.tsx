"use client";

import clsx from "clsx";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { createContext, use, useTransition, type ComponentProps, type ReactNode } from "react";

/**
 * Filtering, sorting and paging fetch the next view from the server, which can take a while on a
 * slow network: each runs as one transition here, so the list can say at once that it is loading
 * (aria-busy, dimmed, "Loading…") while the view on screen stays usable until the new one arrives.
 */
type ListNavigationState = { pending: boolean; navigate: (href: string) => void };

const ListNavigationContext = createContext<ListNavigationState | null>(null);

export function ListNavigation({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const navigate = (href: string) => startTransition(() => router.push(href));
  return <ListNavigationContext value={{ pending, navigate }}>{children}</ListNavigationContext>;
}

/** Null outside a ListNavigation (a component rendered alone): links then navigate as plain links. */
export function useListNavigation(): ListNavigationState | null {
  return use(ListNavigationContext);
}

/** A link to another view of the list, followed inside the list's transition. */
export function ListLink({ href, ...props }: Omit<ComponentProps<typeof Link>, "href" | "onNavigate"> & { href: string }) {
  const navigation = useListNavigation();
  return (
    <Link
      href={href}
      {...props}
      // Called only for a client-side navigation (not a modified click opening a new tab).
      onNavigate={(event) => {
        if (!navigation) return;
        event.preventDefault();
        navigation.navigate(href);
      }}
    />
  );
}

/** The part of the list that the next view replaces: marked busy and dimmed while it loads. */
export function ListBusy({ children, className }: { children: ReactNode; className?: string }) {
  const pending = useListNavigation()?.pending ?? false;
  return (
    <div aria-busy={pending} className={clsx(className, "transition-opacity motion-reduce:transition-none", pending && "opacity-50")}>
      {children}
    </div>
  );
}

/** Says "Loading…" while the next view is on its way; the live region exists before, so it is announced. */
export function ListLoadingStatus() {
  const pending = useListNavigation()?.pending ?? false;
  return (
    <span role="status" className="inline-flex items-center gap-1.5 text-sm text-gray-700">
      {pending ? (
        <>
          <span aria-hidden="true" className="size-3.5 rounded-full border-2 border-gray-300 border-t-brand-600 motion-safe:animate-spin" />
          Loading…
        </>
      ) : null}
    </span>
  );
}
