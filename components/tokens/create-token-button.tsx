"use client";

import { Button } from "@/components/ui/button";
import { useTokenDialogs } from "./token-dialogs";
import type { ScopeOption } from "./types";

/** Opens the page's token dialog in its "new token" form. */
export function CreateTokenButton({ scopes, label = "New token" }: { scopes: ScopeOption[]; label?: string }) {
  const { edit, registerCreateButton } = useTokenDialogs();
  const noScopes = scopes.length === 0;
  return (
    <Button
      ref={registerCreateButton}
      variant="primary"
      onClick={() => edit(null)}
      disabled={noScopes}
      title={noScopes ? "You hold no scopes, so a token could not do anything. Ask an administrator for access." : undefined}
    >
      {label}
    </Button>
  );
}
