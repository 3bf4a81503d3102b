// Declared beside the actions that produce them; re-exported for the components' imports.
export type { AccountActionResult, SessionActions } from "@/app/settings/actions";

/** A session as the account page shows it: the service's view with dates as ISO strings. */
export type SessionView = {
  id: string;
  device: string;
  address: string | null;
  signedInAt: string;
  lastSeenAt: string;
  current: boolean;
};
