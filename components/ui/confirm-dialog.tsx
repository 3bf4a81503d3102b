"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import clsx from "clsx";
import { useRef, useState, useTransition, type ReactElement, type ReactNode, type RefObject } from "react";
import { Button } from "./button";
import { overlayClasses, panelClasses } from "./dialog";

/**
 * Asks before doing something that cannot be taken back. The dialog stays open, its buttons
 * disabled, while `onConfirm` runs, so the action cannot be sent twice; the caller reports the
 * outcome (a toast) and the dialog closes. Either it opens from its own `trigger`, or the caller
 * holds `open` (a list that mounts one dialog for all its rows).
 */
export function ConfirmDialog({
  trigger,
  open: heldOpen,
  onOpenChange,
  title,
  description,
  confirmLabel,
  pendingLabel,
  onConfirm,
  focusAfterConfirm,
  returnFocusTo,
}: {
  trigger?: ReactElement;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  /** Resolves to false when the action failed (the caller has said why), so focus returns to the trigger. */
  onConfirm: () => Promise<boolean>;
  /**
   * Where focus goes once the action is done, when the trigger cannot take it back: a Revoke
   * button that is now disabled, a Delete button whose row is gone. Cancelling returns to the trigger.
   */
  focusAfterConfirm?: RefObject<HTMLElement | null>;
  /** Without a trigger: where focus goes on closing, told whether the action was done. */
  returnFocusTo?: (confirmed: boolean) => HTMLElement | null | undefined;
}) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = heldOpen ?? ownOpen;
  const setOpen = onOpenChange ?? setOwnOpen;
  const [pending, startTransition] = useTransition();
  const confirmed = useRef(false);

  function confirm() {
    startTransition(async () => {
      confirmed.current = await onConfirm();
      setOpen(false);
    });
  }

  // Radix calls this when the dialog closes, even when it closes because its row was removed.
  function returnFocus(event: Event) {
    const done = confirmed.current;
    confirmed.current = false;
    const target = returnFocusTo ? returnFocusTo(done) : done ? focusAfterConfirm?.current : null;
    if (!target?.isConnected) return;
    event.preventDefault();
    target.focus();
  }

  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => !pending && setOpen(next)}>
      {trigger ? <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger> : null}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={overlayClasses} />
        <AlertDialog.Content className={clsx(panelClasses, "max-w-md")} onCloseAutoFocus={returnFocus}>
          <AlertDialog.Title className="text-lg font-semibold text-gray-900">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="mt-2 space-y-2 text-sm text-gray-700">{description}</div>
          </AlertDialog.Description>
          <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <AlertDialog.Cancel asChild>
              <Button disabled={pending}>Cancel</Button>
            </AlertDialog.Cancel>
            <Button variant="danger" onClick={confirm} disabled={pending}>
              {pending ? pendingLabel : confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
