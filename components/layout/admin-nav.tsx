"use client";

import clsx from "clsx";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { ADMIN_POLICIES_PATH, ADMIN_SCOPES_PATH, ADMIN_TOKENS_PATH, ADMIN_USERS_PATH } from "@/lib/paths";

const ITEMS = [
  { href: ADMIN_USERS_PATH, label: "Users" },
  { href: ADMIN_TOKENS_PATH, label: "Tokens" },
  { href: ADMIN_SCOPES_PATH, label: "Scopes" },
  { href: ADMIN_POLICIES_PATH, label: "Policies" },
] as const;

export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Administration">
      <ul className="flex flex-wrap gap-1 border-b border-gray-200 pb-2">
        {ITEMS.map((item) => {
          const current = pathname === item.href || pathname.startsWith(`${item.href}/`);
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
