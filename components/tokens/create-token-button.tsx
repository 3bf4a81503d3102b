"use client";

import { useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { SecretDialog, type RevealedSecret } from "./secret-dialog";
import { TokenFormDialog } from "./token-form-dialog";
import { useNewSecret } from "./new-secret";
import type { ScopeOption, TokenActions } from "./types";

export function CreateTokenButton({
  scopes,
  create,
  label = "New token",
}: {
  scopes: ScopeOption[];
  create: TokenActions["create"];
  label?: string;
}) {
  const [open, setOpen] = useState(false);
  const above = useNewSecret();
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const ownButton = useRef<HTMLButtonElement>(null);
  const noScopes = scopes.length === 0;

  return (
    <>
      <Button
        ref={above ? above.registerCreateButton : ownButton}
        variant="primary"
        onClick={() => setOpen(true)}
        disabled={noScopes}
        title={noScopes ? "You hold no scopes, so a token could not do anything. Ask an administrator for access." : undefined}
      >
        {label}
      </Button>
      <TokenFormDialog
        open={open}
        onOpenChange={setOpen}
        scopes={scopes}
        submit={create}
        onSaved={(result) => {
          setOpen(false);
          (above?.reveal ?? setRevealed)({ secret: result.secret, tokenName: result.token.name });
          toast.success(`Token “${result.token.name}” created.`);
        }}
      />
      {above ? null : <SecretDialog revealed={revealed} title="Your new token" onDone={() => setRevealed(null)} returnFocusTo={ownButton} />}
    </>
  );
}
