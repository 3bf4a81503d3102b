import { z } from "zod";

export const PASSWORD_MIN = 10;

export const emailSchema = z
  .string({ message: "Email is required." })
  .trim()
  .toLowerCase()
  .min(1, "Email is required.")
  .max(254, "Email can be at most 254 characters.")
  .pipe(z.email({ message: "Enter an email address like name@example.com." }));

/** The rule for every new password: at sign-up and when changing it. */
export const newPasswordSchema = z
  .string({ message: "Password is required." })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(200, "Password can be at most 200 characters.");

export const signUpSchema = z.object({
  name: z.string({ message: "Name is required." }).trim().min(1, "Name is required.").max(100, "Name can be at most 100 characters."),
  email: emailSchema,
  password: newPasswordSchema,
});
export type SignUpInput = z.input<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Password is required.").max(200),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ message: "Enter your current password." }).min(1, "Enter your current password.").max(200),
    newPassword: newPasswordSchema,
    confirmPassword: z.string({ message: "Repeat the new password." }),
  })
  .refine((input) => input.newPassword === input.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords are not the same.",
  });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/** Where people land after signing in or up when nothing else was asked for. */
export const DEFAULT_AFTER_SIGN_IN = "/settings/tokens";

// Sending a signed-in visitor "back" to these would send them straight back here: a redirect loop.
const AUTH_PAGES = /^\/(signin|signup)(\/|$|\?|#)/;

/**
 * The page to return to after signing in: only a path on this site. Anything that could leave it
 * (`https://…`, `//host`, `/\host`, control characters) falls back to the default, so the sign-in
 * page can never be used as an open redirect.
 */
export function safeCallbackUrl(raw: unknown, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(raw)) return fallback;
  const base = "http://tollgate.invalid";
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  const path = url.pathname + url.search + url.hash;
  return AUTH_PAGES.test(path) ? fallback : path;
}
