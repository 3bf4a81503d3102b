import "server-only";

/**
 * What a message says, before it is a mail: lib/notifications/messages.ts writes these, and
 * renderMail turns one into the plain-text and HTML bodies sent together (multipart/alternative).
 * Links are paths within the site; they become absolute with the site's public address.
 */
export type MailContent = {
  subject: string;
  /** The first line of the body: what happened. */
  heading: string;
  paragraphs: string[];
  /** Buttons in HTML, "Label: URL" lines in text; the first is the one that matters most. */
  actions: { label: string; path: string }[];
};

export type RenderedMail = { subject: string; text: string; html: string };

const escapeHtml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Subjects are one line whatever the token's name holds. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, " ").trim();

export function renderMail(content: MailContent, siteUrl: string): RenderedMail {
  const url = (path: string) => siteUrl + path;
  const footer = `You receive this because you have an account at Tollgate (${siteUrl}).`;
  const text = [
    content.heading,
    "",
    ...content.paragraphs.flatMap((p) => [p, ""]),
    ...content.actions.map((a) => `${a.label}: ${url(a.path)}`),
    "",
    "-- ",
    footer,
    "",
  ].join("\n");
  const button = (a: MailContent["actions"][number], primary: boolean) =>
    `<a href="${escapeHtml(url(a.path))}" style="display:inline-block;margin:0 8px 8px 0;padding:10px 16px;border-radius:6px;text-decoration:none;font-weight:600;${
      primary ? "background:#1d4ed8;color:#ffffff;" : "background:#ffffff;color:#1d4ed8;border:1px solid #1d4ed8;"
    }">${escapeHtml(a.label)}</a>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(oneLine(content.subject))}</title></head>
<body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111827;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e5e7eb;border-radius:8px;padding:24px;">
<h1 style="margin:0 0 16px;font-size:18px;line-height:1.4;">${escapeHtml(content.heading)}</h1>
${content.paragraphs.map((p) => `<p style="margin:0 0 12px;font-size:14px;line-height:1.5;">${escapeHtml(p)}</p>`).join("\n")}
<p style="margin:16px 0 0;">${content.actions.map((a, i) => button(a, i === 0)).join("")}</p>
</div>
<p style="max-width:560px;margin:12px auto 0;font-size:12px;color:#6b7280;">${escapeHtml(footer)}</p>
</body></html>
`;
  return { subject: oneLine(content.subject), text, html };
}
