"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import type { FieldErrors } from "@/lib/errors";
import type { CatalogueScope, ScopeActions } from "@/lib/scopes/contract";
import { SCOPE_DESCRIPTION_MAX } from "@/lib/validation/admin-scopes";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";
import { callAction } from "@/components/tokens/call-action";
import { inputClasses, invalidity } from "@/components/tokens/field-styles";

/** Edits a custom scope's description (Tollgate's own scopes are worded in its code). */
export function EditScopeDialog({
  scope,
  edit,
  onClose,
}: {
  scope: CatalogueScope | null;
  edit: ScopeActions["edit"];
  onClose: () => void;
}) {
  return (
    <Dialog open={scope !== null} onOpenChange={(open) => !open && onClose()}>
      {scope ? <EditScopeForm key={scope.name} scope={scope} edit={edit} onClose={onClose} /> : null}
    </Dialog>
  );
}

function EditScopeForm({ scope, edit, onClose }: { scope: CatalogueScope; edit: ScopeActions["edit"]; onClose: () => void }) {
  const [description, setDescription] = useState(scope.description);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await callAction(() => edit(scope.name, { description }));
      if (result.ok) {
        toast.success(`Saved the description of ${scope.name}.`);
        onClose();
        return;
      }
      if (result.gone) {
        toast.error(result.error);
        onClose();
        return;
      }
      setErrors(result.fieldErrors ?? {});
      setFormError(result.fieldErrors ? null : result.error);
    });
  }

  return (
    <DialogContent title={`Edit ${scope.name}`} description="People see the description when they choose scopes for a token.">
      <form aria-label={`Edit ${scope.name}`} noValidate onSubmit={submit}>
        <label htmlFor="edit-scope-description" className="block text-sm font-medium text-gray-900">
          Description
        </label>
        <textarea
          id="edit-scope-description"
          name="description"
          rows={3}
          maxLength={SCOPE_DESCRIPTION_MAX}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          className={`${inputClasses(errors.description)} mt-1`}
          {...invalidity("edit-scope-description", errors.description)}
        />
        <FieldError id="edit-scope-description-error" messages={errors.description} />
        <p role="alert" className="mt-2 text-sm text-red-700 empty:hidden">
          {formError}
        </p>
        <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <DialogClose asChild>
            <Button disabled={pending}>Cancel</Button>
          </DialogClose>
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? "Saving…" : "Save"}
          </Button>
        </div>
      </form>
    </DialogContent>
  );
}
