"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import clsx from "clsx";
import { useRef, type ReactNode } from "react";

export const Dialog = RadixDialog.Root;
export const DialogTrigger = RadixDialog.Trigger;
export const DialogClose = RadixDialog.Close;

export const overlayClasses = "fixed inset-0 z-40 bg-gray-900/50";
export const panelClasses =
  "fixed top-1/2 left-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-5 shadow-xl focus:outline-none sm:p-6";

/**
 * A centred, scrollable dialog panel with its title (and description, when given) wired up for
 * screen readers. When it closes, focus goes back to whatever had it when it opened: Radix returns
 * it only to a Dialog.Trigger, and our dialogs are opened from ordinary buttons. A caller's own
 * onCloseAutoFocus that prevents the default decides instead.
 */
export function DialogContent({
  title,
  description,
  children,
  className,
  onOpenAutoFocus,
  onCloseAutoFocus,
  onInteractOutside,
  ...props
}: Omit<RadixDialog.DialogContentProps, "title"> & { title: ReactNode; description?: ReactNode }) {
  const opener = useRef<HTMLElement | null>(null);
  return (
    <RadixDialog.Portal>
      <RadixDialog.Overlay className={overlayClasses} />
      <RadixDialog.Content
        className={clsx(panelClasses, "max-w-lg", className)}
        {...(description ? {} : { "aria-describedby": undefined })}
        {...props}
        onInteractOutside={(event) => {
          // Dismissing a toast is not a click away from the dialog.
          if (event.target instanceof Element && event.target.closest("[data-sonner-toaster]")) event.preventDefault();
          else onInteractOutside?.(event);
        }}
        onOpenAutoFocus={(event) => {
          // Called before focus moves in: the active element is still the control that opened the dialog.
          opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          onOpenAutoFocus?.(event);
        }}
        onCloseAutoFocus={(event) => {
          onCloseAutoFocus?.(event);
          const target = opener.current;
          if (event.defaultPrevented || !target?.isConnected || target.matches(":disabled")) return;
          event.preventDefault();
          target.focus();
        }}
      >
        <RadixDialog.Title className="text-lg font-semibold text-gray-900">{title}</RadixDialog.Title>
        {description ? <RadixDialog.Description className="mt-1 text-sm text-gray-600">{description}</RadixDialog.Description> : null}
        <div className="mt-4">{children}</div>
      </RadixDialog.Content>
    </RadixDialog.Portal>
  );
}

/** For onCloseAutoFocus: focus goes to `target` instead, when it is on the page. */
export function focusInstead(event: Event, target?: () => HTMLElement | null) {
  const element = target?.();
  if (!element?.isConnected) return;
  event.preventDefault();
  element.focus();
}
