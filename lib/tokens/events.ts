import "server-only";

/**
 * Where a change to a token (or to its owner's grants) is announced, so that whatever remembers
 * verified tokens can forget them. Listeners are registered by the verification cache.
 */
type Listener = (change: { tokenGuid?: string; userId?: string }) => void | Promise<void>;
// On globalThis: if a bundler ever instantiates this module twice, every copy must share one set.
const holder = globalThis as unknown as { tollgateTokenListeners?: Set<Listener> };
const listeners = (holder.tollgateTokenListeners ??= new Set<Listener>());

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function tokenChanged(tokenGuid: string): Promise<void> {
  await Promise.all([...listeners].map((l) => l({ tokenGuid })));
}

export async function grantsChanged(userId: string): Promise<void> {
  await Promise.all([...listeners].map((l) => l({ userId })));
}
