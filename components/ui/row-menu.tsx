"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import clsx from "clsx";
import { useId, useRef } from "react";
import { buttonClasses } from "./button";
import { MoreIcon } from "./icons";

export type RowMenuItem = {
  label: string;
  onSelect: () => void;
  /** Why the item cannot be used now; shown under its label, since a title never shows on touch. */
  disabledBecause?: string | null;
  danger?: boolean;
};

/**
 * A row's secondary actions behind one "More actions" button (Radix's menu: arrow keys, Enter,
 * Space, Escape back to the button). An item that opens a dialog hands focus to that dialog,
 * so the menu does not pull it back to its button on the way out.
 */
export function RowMenu({ label, items, triggerId }: { label: string; items: RowMenuItem[]; triggerId?: string }) {
  const chose = useRef(false);
  const id = useId();
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger id={triggerId} aria-label={label} title={label} className={buttonClasses("secondary", "sm", "px-1.5")}>
        <MoreIcon />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          loop
          align="end"
          sideOffset={4}
          collisionPadding={8}
          onCloseAutoFocus={(event) => {
            if (chose.current) event.preventDefault();
            chose.current = false;
          }}
          className="z-30 max-w-72 min-w-48 rounded-md border border-gray-200 bg-white p-1 text-sm shadow-lg"
        >
          {items.map((item, index) => (
            <DropdownMenu.Item
              key={item.label}
              disabled={Boolean(item.disabledBecause)}
              aria-label={item.label}
              aria-describedby={item.disabledBecause ? `${id}-${index}` : undefined}
              onSelect={() => {
                chose.current = true;
                item.onSelect();
              }}
              className={clsx(
                "cursor-default rounded px-2.5 py-2 outline-none select-none data-highlighted:bg-gray-100 data-disabled:cursor-not-allowed",
                item.danger ? "text-red-700" : "text-gray-900",
              )}
            >
              <span className={clsx("block font-medium", item.disabledBecause && "opacity-60")}>{item.label}</span>
              {item.disabledBecause ? <span id={`${id}-${index}`} className="mt-0.5 block text-xs text-gray-700">
                  {item.disabledBecause}
                </span> : null}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
