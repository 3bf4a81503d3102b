import { z } from "./zod";

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

/** "Forgot password?": only the email. */
export const forgotPasswordSchema = z.object({ email: emailSchema });

/** The secret of a reset link: 32 random bytes in base64url (lib/users/password-reset.ts). */
export const resetSecretSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** The reset page's form: the link's secret and the new password twice (the sign-up rules). */
export const resetPasswordSchema = z
  .object({
    secret: z.string({ message: "This link no longer works." }).max(100),
    newPassword: newPasswordSchema,
    confirmPassword: z.string({ message: "Repeat the new password." }),
  })
  .refine((input) => input.newPassword === input.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords are not the same.",
  });

/** Where people land after signing in or up when nothing else was asked for. */
export const DEFAULT_AFTER_SIGN_IN = "/settings/tokens";

// Sending a signed-in visitor "back" to these would send them straight back here: a redirect loop.
const AUTH_PAGES = /^\/(signin|signup)(\/|$|\?|#)/;
// What may leave this module: one "/" and then anything but another "/" or "\\" (which browsers
// read as "/"), so that nothing can take what follows for a host; printable ASCII only, as URL
// parsing percent-encodes everything else.
const SITE_PATH = /^\/(?![/\\])[\x21-\x7e]*$/;
const BASE = "http://tollgate.invalid";

/**
 * `raw` as a normalised path on this site (path, query and fragment), or null when it is not one.
 * The check is made on the final value, after URL parsing has removed dot segments and decoded
 * `%2e`: `/.//evil.example` passes a check of its input but normalises to `//evil.example`. The
 * result is also a fixed point of parsing, so a browser or router that parses it again gets the
 * same path.
 */
export function sitePath(raw: unknown): string | null {
  if (typeof raw !== "string" || !raw.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return null;
  }
  const path = url.pathname + url.search + url.hash;
  if (url.origin !== BASE || !SITE_PATH.test(path) || new URL(path, BASE).href !== url.href) return null;
  return path;
}

/**
 * The page to return to after signing in: only a path on this site (sitePath), and not the sign-in
 * or sign-up page. Anything else falls back to the default, so the sign-in page can never be used
 * as an open redirect.
 */
export function safeCallbackUrl(raw: unknown, fallback = DEFAULT_AFTER_SIGN_IN): string {
  const path = sitePath(raw);
  return path === null || AUTH_PAGES.test(path) ? fallback : path;
}

/**
 * next-auth's `redirect` callback: where it may send the browser after signing in or out, and what
 * it keeps in its callback-url cookie. Only `baseUrl` (this site's origin) followed by a path that
 * passes sitePath; anything else, a cookie planted by someone else included, becomes the home page.
 */
export function redirectWithinSite(url: string, baseUrl: string): string {
  let path: string | null = url;
  if (!url.startsWith("/")) {
    try {
      const absolute = new URL(url);
      path = absolute.origin === baseUrl ? absolute.pathname + absolute.search + absolute.hash : null;
    } catch {
      path = null;
    }
  }
  return baseUrl + (sitePath(path) ?? "/");
}
