/**
 * Writes text to the clipboard. The async Clipboard API exists only in secure contexts, so a
 * Tollgate served over plain http on a LAN address falls back to the older selection-based copy.
 */
export async function writeToClipboard(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const copied = document.execCommand?.("copy") ?? false;
  area.remove();
  if (!copied) throw new Error("The browser refused to copy.");
}
