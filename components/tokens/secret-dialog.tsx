"use client";

import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, focusInstead } from "@/components/ui/dialog";
import { WarningIcon } from "@/components/ui/icons";

export type RevealedSecret = { secret: string; tokenName: string; title: string };

/**
 * Shows a new secret, the one time it exists outside the program that will use it. The secret
 * lives only in the caller's state, which the caller clears in `onDone`. Closing it (Done, Escape,
 * a click outside) before the secret was copied asks first: it cannot be shown again.
 */
export function SecretDialog({
  revealed,
  onDone,
  returnFocusTo,
}: {
  revealed: RevealedSecret | null;
  onDone: () => void;
  returnFocusTo?: () => HTMLElement | null;
}) {
  return (
    <Dialog open={revealed !== null} onOpenChange={() => undefined}>
      {revealed ? <SecretPanel key={revealed.secret} revealed={revealed} onDone={onDone} returnFocusTo={returnFocusTo} /> : null}
    </Dialog>
  );
}

function SecretPanel({ revealed, onDone, returnFocusTo }: { revealed: RevealedSecret; onDone: () => void; returnFocusTo?: () => HTMLElement | null }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const [asking, setAsking] = useState(false);
  const done = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  // Back from "Close anyway?", focus returns to Done rather than falling out of the dialog.
  useEffect(() => {
    if (asking) asked.current = true;
    else if (asked.current) done.current?.focus();
  }, [asking]);
  const curl = `curl -H "Authorization: Bearer ${revealed.secret}" ${typeof window === "undefined" ? "" : window.location.origin}/api/v1/me`;

  function close() {
    if (copied) onDone();
    else setAsking(true);
  }

  return (
    <DialogContent
      title={revealed.title}
      description={`Copy the secret of “${revealed.tokenName}” now and store it somewhere safe.`}
      onEscapeKeyDown={(event) => {
        event.preventDefault();
        close();
      }}
      onInteractOutside={(event) => {
        event.preventDefault();
        close();
      }}
      onCloseAutoFocus={(event) => focusInstead(event, returnFocusTo)}
      // Copying by hand (select, Ctrl+C) counts as much as the Copy buttons.
      onCopy={() => setCopied(true)}
    >
      <div className="flex gap-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
        <WarningIcon className="mt-0.5 shrink-0" />
        <p>
          <strong>This secret will not be shown again.</strong> Tollgate keeps only a hash of it. If you lose it, rotate the token
          to get a new secret.
        </p>
      </div>
      <label htmlFor={`${id}-secret`} className="mt-4 mb-1 block text-sm font-medium text-gray-900">
        Secret
      </label>
      {/* A wrapping textarea: the whole secret is in view at any width, never clipped or scrolled sideways. */}
      <textarea
        id={`${id}-secret`}
        readOnly
        rows={2}
        value={revealed.secret}
        onFocus={(event) => event.currentTarget.select()}
        spellCheck={false}
        autoComplete="off"
        className="block w-full resize-none rounded-md border border-gray-300 bg-gray-50 px-3 py-2 font-mono text-sm break-all text-gray-900 [field-sizing:content]"
      />
      <div className="mt-2 flex justify-end">
        <CopyButton value={revealed.secret} label="Copy secret" onCopied={() => setCopied(true)} />
      </div>
      <label htmlFor={`${id}-curl`} className="mt-4 mb-1 block text-sm font-medium text-gray-900">
        Try it
      </label>
      <textarea
        id={`${id}-curl`}
        readOnly
        rows={3}
        value={curl}
        onFocus={(event) => event.currentTarget.select()}
        spellCheck={false}
        autoComplete="off"
        className="block w-full resize-none rounded-md border border-gray-300 bg-gray-50 px-3 py-2 font-mono text-xs break-all text-gray-900 [field-sizing:content]"
      />
      <div className="mt-2 flex items-start justify-between gap-2">
        <p className="text-xs text-gray-600">Asks the API who this token belongs to.</p>
        <CopyButton value={curl} label="Copy command" onCopied={() => setCopied(true)} />
      </div>
      {asking ? (
        <div role="alert" className="mt-6 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          <p>You have not copied this secret. It will not be shown again. Close anyway?</p>
          <div className="mt-3 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button onClick={() => setAsking(false)} autoFocus>
              Keep it open
            </Button>
            <Button variant="danger" onClick={onDone}>
              Close anyway
            </Button>
          </div>
        </div>
      ) : (
        <div className="mt-6 flex justify-end">
          <Button ref={done} variant="primary" onClick={close}>
            Done
          </Button>
        </div>
      )}
    </DialogContent>
  );
}
