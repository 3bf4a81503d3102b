"use client";

import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { LocalTime } from "@/components/ui/local-time";
import { callAction } from "./call-action";
import { RotateDialog } from "./rotate-dialog";
import { SecretDialog, type RevealedSecret } from "./secret-dialog";
import { TokenFormDialog } from "./token-form-dialog";
import { similarValues, type TokenFormValues, type TokenPolicies } from "./token-form-values";
import type { ActionResult, ScopeOption, TokenActions, Token } from "./types";

type Kind = "form" | "rotate" | "revoke" | "remove" | "endOverlap";

type TokenDialogs = {
  /** `null` creates a new token; a token edits it. */
  edit: (token: Token | null) => void;
  rotate: (token: Token) => void;
  revoke: (token: Token) => void;
  remove: (token: Token) => void;
  endOverlap: (token: Token) => void;
  /** The ref callback of the create buttons. */
  registerCreateButton: (element: HTMLButtonElement | null) => (() => void) | undefined;
  /** The token just created, and whether the refreshed list shows it (undefined until it has arrived). */
  created: { guid: string; name: string; listed: boolean | undefined } | null;
};

const TokenDialogsContext = createContext<TokenDialogs | null>(null);

/** The row controls the dialogs return focus to, found by id: rows keep no state of their own. */
export const editButtonId = (guid: string) => `token-${guid}-edit`;
export const menuButtonId = (guid: string) => `token-${guid}-more`;
const byId = (id: string) => document.getElementById(id);

/**
 * A token deleted elsewhere takes its row off the refreshed list, and the dialog open for it
 * closes with it: the reason is told in a toast instead of inside the dialog.
 */
function toastIfGone<R extends ActionResult>(result: R): R {
  if (!result.ok && result.gone) toast.error(result.error);
  return result;
}

/**
 * The token page's dialogs, one of each kind whatever the number of rows: the rows only say which
 * token to act on. The new secret is held here, above the create buttons, because creating the
 * first token turns the empty state (and its button) into the list: kept in that button, the
 * secret would vanish with it. For the same reason focus returns to whichever create button is on
 * the page by then.
 */
export function TokenDialogsHost({
  tokens,
  scopes,
  actions,
  policies,
  similar,
  children,
}: {
  tokens: Token[];
  scopes: ScopeOption[];
  actions: TokenActions;
  policies?: TokenPolicies;
  /** One of the person's tokens to open the new-token dialog filled in like (`?similar=<guid>`, a mail's "Create a similar token"). */
  similar?: Token | null;
  children: ReactNode;
}) {
  const [opened, setOpen] = useState<Kind | null>(null);
  // Kept while a dialog closes, so its content does not change under its closing animation or focus return.
  const [token, setToken] = useState<Token | null>(null);
  const [revealed, setRevealed] = useState<RevealedSecret & { returnTo: () => HTMLElement | null }>();
  const [created, setCreated] = useState<{ guid: string; name: string; listBefore: Token[]; listAfter?: Token[] } | null>(null);
  const [template, setTemplate] = useState<TokenFormValues | null>(null);

  // On arrival only, after hydration (the fields use the browser's zone); the parameter then leaves
  // the address, so a reload or a later refresh of the list does not open the dialog again.
  const arrivedWith = useRef(similar);
  useEffect(() => {
    const like = arrivedWith.current;
    if (!like) return;
    setTemplate(similarValues(like, scopes.map((s) => s.name), policies));
    setToken(null);
    setOpen("form");
    const url = new URL(window.location.href);
    url.searchParams.delete("similar");
    // null, as Next asks: its router then takes the new address as its own (a refresh keeps it).
    window.history.replaceState(null, "", url);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const createButton = useRef<HTMLButtonElement | null>(null);
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

  // Delete's own dialog stays while its action ends; it closes itself and moves focus on.
  const listed = !token || tokens.some((t) => t.guid === token.guid);
  const open = listed || opened === "remove" ? opened : null;

  const show = (kind: Kind) => (target: Token | null) => {
    setTemplate(null);
    setToken(target);
    setOpen(kind);
  };
  const close = () => setOpen(null);
  const openChange = (kind: Kind) => (next: boolean) => setOpen(next ? kind : null);
  const guid = token?.guid ?? "";
  const name = token?.name ?? "";

  async function confirmed(result: ActionResult, success: string): Promise<boolean> {
    if (result.ok) toast.success(success);
    else toast.error(result.error);
    return result.ok;
  }

  // Told about once, by the first list refreshed after the creation: a later view (another filter,
  // "Show it") has nothing to say about it.
  if (created && tokens !== created.listBefore && !created.listAfter) setCreated({ ...created, listAfter: tokens });
  const createdState = created && {
    guid: created.guid,
    name: created.name,
    listed: !created.listAfter ? undefined : tokens === created.listAfter ? tokens.some((t) => t.guid === created.guid) : true,
  };

  const value: TokenDialogs = {
    edit: show("form"),
    rotate: show("rotate"),
    revoke: show("revoke"),
    remove: show("remove"),
    endOverlap: show("endOverlap"),
    registerCreateButton,
    created: createdState,
  };

  return (
    <TokenDialogsContext value={value}>
      {children}
      <TokenFormDialog
        key={token?.guid ?? "new"}
        token={token ?? undefined}
        template={template}
        scopes={scopes}
        policies={policies}
        open={open === "form"}
        onOpenChange={openChange("form")}
        submit={async (payload) => {
          if (token) return toastIfGone(await actions.update(token.guid, payload));
          const listBefore = tokens;
          const result = await actions.create(payload);
          if (result.ok) setCreated({ guid: result.token.guid, name: result.token.name, listBefore });
          return result;
        }}
        onSaved={(result) => {
          close();
          if ("secret" in result && typeof result.secret === "string") {
            setRevealed({ secret: result.secret, tokenName: result.token.name, title: "Your new token", returnTo: () => createButton.current });
            toast.success(`Token “${result.token.name}” created.`);
          } else toast.success(`Token “${result.token.name}” saved.`);
        }}
        returnFocusTo={() => (token ? byId(editButtonId(token.guid)) : createButton.current)}
      />
      {token ? (
        <RotateDialog
          token={token}
          policies={policies}
          open={open === "rotate"}
          onOpenChange={openChange("rotate")}
          rotate={async (target, input) => toastIfGone(await actions.rotate(target, input))}
          onRotated={(result) => {
            close();
            const trigger = menuButtonId(result.token.guid);
            setRevealed({ secret: result.secret, tokenName: result.token.name, title: "New secret", returnTo: () => byId(trigger) });
            toast.success(`Token “${result.token.name}” rotated.`);
          }}
          returnFocusTo={() => byId(menuButtonId(guid))}
        />
      ) : null}
      <SecretDialog revealed={revealed ?? null} onDone={() => setRevealed(undefined)} returnFocusTo={() => revealed?.returnTo() ?? null} />
      <ConfirmDialog
        open={open === "revoke"}
        onOpenChange={openChange("revoke")}
        title={`Revoke “${name}”?`}
        description={
          <>
            <p>The token stops working at once: every program using it will be refused. Its valid-to becomes now.</p>
            <p>A revoked token cannot be made active again; create a new one if access is needed later.</p>
          </>
        }
        confirmLabel="Revoke token"
        pendingLabel="Revoking…"
        onConfirm={async () => confirmed(await callAction(() => actions.revoke(guid)), `Token “${name}” revoked. It no longer works.`)}
        // Revoked, the token's menu has nothing left but Delete: focus goes to its Edit button.
        returnFocusTo={(done) => byId(done ? editButtonId(guid) : menuButtonId(guid))}
      />
      <ConfirmDialog
        open={open === "remove"}
        onOpenChange={openChange("remove")}
        title={`Delete “${name}”?`}
        description={
          <>
            <p>Programs using this token will stop working.</p>
            <p>
              <strong>This cannot be undone.</strong> The token and its history are removed.
            </p>
          </>
        }
        confirmLabel="Delete token"
        pendingLabel="Deleting…"
        onConfirm={async () => confirmed(await callAction(() => actions.remove(guid)), `Token “${name}” deleted.`)}
        // The row is gone: focus moves to the page's create button.
        returnFocusTo={(done) => (done ? createButton.current : byId(menuButtonId(guid)))}
      />
      <ConfirmDialog
        open={open === "endOverlap"}
        onOpenChange={openChange("endOverlap")}
        title={`End the overlap of “${name}” now?`}
        description={
          <>
            <p>
              The secret this token had before its last rotation stops working at once
              {token?.previousSecretExpiresAt ? (
                <>
                  {" "}
                  instead of at <LocalTime iso={token.previousSecretExpiresAt} />
                </>
              ) : null}
              . Programs still using it will be refused.
            </p>
            <p>The current secret keeps working.</p>
          </>
        }
        confirmLabel="End overlap"
        pendingLabel="Ending…"
        onConfirm={async () =>
          confirmed(await callAction(() => actions.endOverlap(guid)), `The previous secret of “${name}” no longer works.`)
        }
        returnFocusTo={() => byId(menuButtonId(guid))}
      />
    </TokenDialogsContext>
  );
}

/** The page's dialogs, for the rows and create buttons inside a TokenDialogsHost. */
export function useTokenDialogs(): TokenDialogs {
  const dialogs = useContext(TokenDialogsContext);
  if (!dialogs) throw new Error("useTokenDialogs needs a TokenDialogsHost above it.");
  return dialogs;
}
