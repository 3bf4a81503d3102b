"use client";

import clsx from "clsx";
import Link from "next/link";
import { usePathname } from "next/navigation";

export type TabItem = { href: string; label: string; /** Current only on this very path, not below it. */ exact?: boolean };

/** A row of section tabs (settings, administration); the current one is marked for assistive technology too. */
export function TabNav({ label, items }: { label: string; items: readonly TabItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label}>
      <ul className="flex flex-wrap gap-1 border-b border-gray-200 pb-2">
        {items.map((item) => {
          const current = item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={current ? "page" : undefined}
                className={clsx(
                  "block rounded-md px-3 py-2.5 text-sm font-medium",
                  current ? "bg-brand-50 text-brand-800" : "text-gray-700 hover:bg-gray-100 hover:text-gray-900",
                )}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
