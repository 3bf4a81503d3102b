import type { AccountActionResult } from "@/app/settings/actions";

export type { AccountActionResult };

/** A session as the account page shows it: the service's view with dates as ISO strings. */
export type SessionView = {
  id: string;
  device: string;
  address: string | null;
  signedInAt: string;
  lastSeenAt: string;
  current: boolean;
};

export type SessionActions = {
  end: (sessionId: string) => Promise<AccountActionResult>;
  endOthers: () => Promise<AccountActionResult>;
};
