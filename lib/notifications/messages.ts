import "server-only";
import type { MailContent } from "@/lib/mail/render";
import { FORGOT_PASSWORD_PATH, resetPasswordPath, rotateTokenPath, SECURITY_LOG_PATH, similarTokenPath, tokenPath } from "@/lib/paths";
import type { NoticeKind } from "./kinds";

/**
 * The words of every notice, in the app and by mail (docs/notifications.md lists when each is
 * sent). Each names its token and links to its page; a token that still works offers "Rotate",
 * one that no longer does "Create a similar token".
 */
export type Message = {
  kind: NoticeKind;
  /** The bell's line, and the mail's heading. */
  title: string;
  body: string;
  /** Where the notice leads in the app. */
  link: string | null;
  tokenGuid: string | null;
  mail: MailContent;
};

export type TokenRef = { guid: string; name: string };

const quoted = (name: string) => `“${name}”`;
const when = (at: Date) => at.toISOString().replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");

function tokenMessage(kind: NoticeKind, token: TokenRef, title: string, paragraphs: string[], stillWorks: boolean): Message {
  const actions = [
    { label: "Open the token", path: tokenPath(token.guid) },
    stillWorks ? { label: "Rotate", path: rotateTokenPath(token.guid) } : { label: "Create a similar token", path: similarTokenPath(token.guid) },
  ];
  return { kind, title, body: paragraphs.join(" "), link: tokenPath(token.guid), tokenGuid: token.guid, mail: { subject: title, heading: title, paragraphs, actions } };
}

export function expiringMessage(token: TokenRef, days: number, validTo: Date): Message {
  const span = days === 1 ? "1 day" : `${days} days`;
  return tokenMessage(
    "token.expiring",
    token,
    `Your token ${quoted(token.name)} expires in ${span}`,
    [`It stops working at ${when(validTo)}.`, "Rotate it for a new secret with a new expiry, or extend it on its page."],
    true,
  );
}

export function expiredMessage(token: TokenRef, validTo: Date): Message {
  return tokenMessage("token.expired", token, `Your token ${quoted(token.name)} has expired`, [`It stopped working at ${when(validTo)}.`], false);
}

export function revokedByAdminMessage(token: TokenRef, reason: string): Message {
  return tokenMessage("token.revoked_by_admin", token, `An administrator revoked your token ${quoted(token.name)}`, [`The reason given: ${reason}`, "It no longer works."], false);
}

export function leakedMessage(token: TokenRef, source: string | null): Message {
  return tokenMessage(
    "token.leaked",
    token,
    `Your token ${quoted(token.name)} was reported as leaked and revoked`,
    [
      source ? `Someone found its secret (${source}) and reported it.` : "Someone found its secret and reported it.",
      "It no longer works. Check its security log for use you do not recognise, then create a new token for what used it.",
    ],
    false,
  );
}

export function newAddressMessage(token: TokenRef, ip: string, userAgent: string | null, at: Date): Message {
  return tokenMessage(
    "token.new_address",
    token,
    `Your token ${quoted(token.name)} was used from a new address`,
    [`${ip}${userAgent ? ` (${userAgent})` : ""}, at ${when(at)}.`, "If this was not you or your programs, revoke the token on its page."],
    true,
  );
}

export function unusedWarningMessage(token: TokenRef, unusedDays: number, revokeAt: Date): Message {
  return tokenMessage(
    "token.unused_warning",
    token,
    `Your token ${quoted(token.name)} will be revoked for going unused`,
    [`Tokens unused for ${unusedDays} days are revoked here. This one will be at ${when(revokeAt)} unless it is used before then.`],
    true,
  );
}

export function revokedUnusedMessage(token: TokenRef, unusedDays: number): Message {
  return tokenMessage("token.revoked_unused", token, `Your token ${quoted(token.name)} was revoked for going unused`, [`It had not been used for ${unusedDays} days.`], false);
}

/** After the change-password form ("changed": the other sessions ended) or a reset by mail ("reset": every session ended). */
export function passwordChangedMessage(at: Date, how: "changed" | "reset" = "changed"): Message {
  const title = "Your password was changed";
  const paragraphs = [
    how === "reset"
      ? `Your Tollgate password was reset with a link sent to this address at ${when(at)}, and every session was signed out.`
      : `Your Tollgate password was changed at ${when(at)}, and your other sessions were ended.`,
    "If you did not do this, reset your password at once.",
  ];
  return {
    kind: "password.changed",
    title,
    body: paragraphs.join(" "),
    link: SECURITY_LOG_PATH,
    tokenGuid: null,
    mail: {
      subject: title,
      heading: title,
      paragraphs,
      actions: [
        { label: "See your security log", path: SECURITY_LOG_PATH },
        { label: "Reset your password", path: FORGOT_PASSWORD_PATH },
      ],
    },
  };
}

/** The reset link's mail (a mail only: nothing in the app, where nobody is signed in to read it). */
export function passwordResetMail(email: string, secret: string, expiresAt: Date): MailContent {
  const title = "Reset your Tollgate password";
  return {
    subject: title,
    heading: title,
    paragraphs: [
      `Someone asked to reset the password of the Tollgate account ${email}. The link below works once, until ${when(expiresAt)}.`,
      "If it was not you, ignore this mail: your password stays as it is.",
    ],
    actions: [{ label: "Choose a new password", path: resetPasswordPath(secret) }],
  };
}
