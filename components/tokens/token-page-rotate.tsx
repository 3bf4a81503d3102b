"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { RotateDialog } from "./rotate-dialog";
import { SecretDialog, type RevealedSecret } from "./secret-dialog";
import { rotateUnavailableBecause } from "./token-row-actions";
import type { TokenPolicies } from "./token-form-values";
import type { SecretResult, Token } from "./types";

/**
 * The token page's Rotate button and dialog. `openOnArrival` (`?rotate=1`, a mail's "Rotate") opens
 * it once the page has hydrated, for a token that can be rotated; for one that cannot the page just
 * shows. The parameter then leaves the address, so a reload does not open it again.
 */
export function TokenPageRotate({
  token,
  policies,
  rotate,
  openOnArrival,
}: {
  token: Token;
  policies?: TokenPolicies;
  rotate: (guid: string, input: unknown) => Promise<SecretResult>;
  openOnArrival: boolean;
}) {
  const router = useRouter();
  const button = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const unavailable = rotateUnavailableBecause(token);
  const arrived = useRef(openOnArrival && unavailable === null);

  useEffect(() => {
    if (!arrived.current) return;
    arrived.current = false;
    setOpen(true);
    const url = new URL(window.location.href);
    url.searchParams.delete("rotate");
    // null, as Next asks: its router then takes the new address as its own (a refresh keeps it).
    window.history.replaceState(null, "", url);
  }, []);

  if (unavailable !== null) return null;
  return (
    <>
      <Button ref={button} onClick={() => setOpen(true)}>
        Rotate
      </Button>
      <RotateDialog
        token={token}
        policies={policies}
        open={open}
        onOpenChange={setOpen}
        rotate={rotate}
        onRotated={(result) => {
          setOpen(false);
          setRevealed({ secret: result.secret, tokenName: result.token.name, title: "New secret" });
          toast.success(`Token “${result.token.name}” rotated.`);
          router.refresh();
        }}
        returnFocusTo={() => button.current}
      />
      <SecretDialog revealed={revealed} onDone={() => setRevealed(null)} returnFocusTo={() => button.current} />
    </>
  );
}
