"use client";

import { createContext, useContext, useState, type ReactNode } from "react";
import { SecretDialog, type RevealedSecret } from "./secret-dialog";

const RevealContext = createContext<((revealed: RevealedSecret) => void) | null>(null);

/**
 * Holds a new token's secret above the create buttons. Creating the first token turns the empty
 * state (and the button in it) into the list; were the secret kept in that button, it would vanish
 * with it before anyone could copy it.
 */
export function NewSecretProvider({ children }: { children: ReactNode }) {
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  return (
    <RevealContext value={setRevealed}>
      {children}
      <SecretDialog revealed={revealed} title="Your new token" onDone={() => setRevealed(null)} />
    </RevealContext>
  );
}

/** Shows a new secret through the nearest NewSecretProvider; null outside one. */
export function useRevealNewSecret(): ((revealed: RevealedSecret) => void) | null {
  return useContext(RevealContext);
}
