"use client";

import { useId, type RefObject } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { WarningIcon } from "@/components/ui/icons";

export type RevealedSecret = { secret: string; tokenName: string };

/**
 * Shows a new secret, the one time it exists outside the program that will use it. The secret
 * lives only in the caller's state, which the caller clears in `onDone`; clicking outside does
 * not close the dialog, so it cannot be lost by a stray click before it is copied.
 */
export function SecretDialog({
  revealed,
  title,
  onDone,
  returnFocusTo,
}: {
  revealed: RevealedSecret | null;
  title: string;
  onDone: () => void;
  returnFocusTo?: RefObject<HTMLElement | null>;
}) {
  const id = useId();
  return (
    <Dialog open={revealed !== null} onOpenChange={(open) => !open && onDone()}>
      {revealed ? (
        <DialogContent
          title={title}
          description={`Copy the secret of “${revealed.tokenName}” now and store it somewhere safe.`}
          onInteractOutside={(event) => event.preventDefault()}
          onCloseAutoFocus={(event) => {
            if (!returnFocusTo?.current) return;
            event.preventDefault();
            returnFocusTo.current.focus();
          }}
        >
          <div className="flex gap-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
            <WarningIcon className="mt-0.5 shrink-0" />
            <p>
              <strong>This secret will not be shown again.</strong> Tollgate keeps only a hash of it. If you lose it, rotate the
              token to get a new secret.
            </p>
          </div>
          <label htmlFor={`${id}-secret`} className="mt-4 mb-1 block text-sm font-medium text-gray-900">
            Secret
          </label>
          <div className="flex gap-2">
            <input
              id={`${id}-secret`}
              type="text"
              readOnly
              value={revealed.secret}
              onFocus={(event) => event.currentTarget.select()}
              spellCheck={false}
              autoComplete="off"
              className="block w-full rounded-md border border-gray-300 bg-gray-50 px-3 py-2 font-mono text-sm text-gray-900"
            />
            <CopyButton value={revealed.secret} label="Copy" />
          </div>
          <p className="mt-2 text-xs text-gray-600">
            Send it as <code className="rounded bg-gray-100 px-1 py-0.5">Authorization: Bearer {"<secret>"}</code>.
          </p>
          <div className="mt-6 flex justify-end">
            <DialogClose asChild>
              <Button variant="primary">Done</Button>
            </DialogClose>
          </div>
        </DialogContent>
      ) : null}
    </Dialog>
  );
}
