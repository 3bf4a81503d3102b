"use client";

import { createContext, useCallback, useContext, useRef, useState, type ReactNode, type RefObject } from "react";
import { SecretDialog, type RevealedSecret } from "./secret-dialog";

type NewSecret = {
  reveal: (revealed: RevealedSecret) => void;
  /** The create button now on the page, where focus returns when the secret is put away. */
  createButton: RefObject<HTMLButtonElement | null>;
  /** The ref callback of the create buttons. */
  registerCreateButton: (element: HTMLButtonElement | null) => (() => void) | undefined;
};

const NewSecretContext = createContext<NewSecret | null>(null);

/**
 * Holds a new token's secret above the create buttons. Creating the first token turns the empty
 * state (and the button in it) into the list; were the secret kept in that button, it would vanish
 * with it before anyone could copy it. For the same reason focus cannot return to the button that
 * opened the dialog: it returns to whichever create button is on the page by then (the list's
 * "New token"), not to the top of the document.
 */
export function NewSecretProvider({ children }: { children: ReactNode }) {
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const createButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  // Deleting the last token swaps the list's "New token" for the empty state's "Create your first
  // token"; if focus was on the one, it moves to the other instead of falling to the document.
  const registerCreateButton = useCallback((element: HTMLButtonElement | null) => {
    if (!element) return;
    createButton.current = element;
    if (refocus.current) {
      refocus.current = false;
      element.focus();
    }
    return () => {
      if (document.activeElement === element) refocus.current = true;
      if (createButton.current === element) createButton.current = null;
    };
  }, []);
  return (
    <NewSecretContext value={{ reveal: setRevealed, createButton, registerCreateButton }}>
      {children}
      <SecretDialog revealed={revealed} title="Your new token" onDone={() => setRevealed(null)} returnFocusTo={createButton} />
    </NewSecretContext>
  );
}

/** The nearest NewSecretProvider's reveal and focus target; null outside one. */
export function useNewSecret(): NewSecret | null {
  return useContext(NewSecretContext);
}
