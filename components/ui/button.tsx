import clsx from "clsx";
import type { ComponentProps } from "react";

type Variant = "primary" | "secondary" | "danger" | "ghost";
type Size = "sm" | "md";

const variants: Record<Variant, string> = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 focus-visible:outline-brand-600",
  secondary: "border border-gray-300 bg-white text-gray-800 hover:bg-gray-50 focus-visible:outline-brand-600",
  danger: "bg-red-700 text-white hover:bg-red-800 focus-visible:outline-red-700",
  ghost: "text-gray-700 hover:bg-gray-100 focus-visible:outline-brand-600",
};

/** At least 40 × 40 px on phones and touch screens, whatever the size; the desktop keeps the compact one. */
export const TAP_TARGET = "max-sm:min-h-10 max-sm:min-w-10 pointer-coarse:min-h-10 pointer-coarse:min-w-10";

const sizes: Record<Size, string> = {
  sm: "gap-1 rounded-md px-2.5 py-1 text-xs",
  md: "gap-2 rounded-md px-3.5 py-2 text-sm",
};

/** Shared by <Button> and by links that should look like buttons. */
export function buttonClasses(variant: Variant = "secondary", size: Size = "md", className?: string): string {
  return clsx(
    "inline-flex shrink-0 items-center justify-center font-medium whitespace-nowrap shadow-sm transition-colors",
    "focus-visible:outline-2 focus-visible:outline-offset-2",
    "disabled:cursor-not-allowed disabled:opacity-50",
    TAP_TARGET,
    variants[variant],
    sizes[size],
    className,
  );
}

export function Button({
  variant,
  size,
  className,
  type = "button",
  ...props
}: ComponentProps<"button"> & { variant?: Variant; size?: Size }) {
  return <button type={type} className={buttonClasses(variant, size, className)} {...props} />;
}
