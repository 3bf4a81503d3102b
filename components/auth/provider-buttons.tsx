"use client";

import { signIn } from "next-auth/react";
import { secondaryButton } from "./styles";

const LABELS: Record<string, string> = { github: "GitHub", gitlab: "GitLab" };

/** One button per external provider the server has configured; none, nothing. */
export function ProviderButtons({ providers, callbackUrl }: { providers: string[]; callbackUrl: string }) {
  if (!providers.length) return null;
  return (
    <div className="space-y-3">
      <p className="flex items-center gap-3 text-xs text-gray-500 before:h-px before:flex-1 before:bg-gray-200 after:h-px after:flex-1 after:bg-gray-200">
        or
      </p>
      {providers.map((id) => (
        <button key={id} type="button" className={secondaryButton} onClick={() => void signIn(id, { callbackUrl })}>
          Continue with {LABELS[id] ?? id}
        </button>
      ))}
    </div>
  );
}
