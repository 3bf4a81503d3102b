import Form from "next/form";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export type EventFilterValues = { action: string; token: string; actorToken?: string; user?: string; actor?: string; from: string; to: string };
export type ActionOptions = { kinds: { value: string; label: string }[]; actions: { value: string; label: string }[] };

const label = "mb-1 block text-xs font-medium text-gray-700";
const control =
  "block w-full rounded-md border border-gray-300 bg-white px-2.5 py-1.5 text-sm text-gray-900 shadow-sm placeholder:text-gray-500 focus:border-brand-600 focus:outline-2 focus:outline-brand-600/30";
const textCell = "basis-full sm:basis-56 sm:grow-[2]";
const smallCell = "min-w-0 basis-[calc(50%-0.375rem)] grow sm:basis-36";

function Field({ name, title, value, placeholder, type = "search", cell = textCell, mono }: {
  name: string;
  title: string;
  value: string;
  placeholder?: string;
  type?: string;
  cell?: string;
  mono?: boolean;
}) {
  return (
    <div className={cell}>
      <label htmlFor={`events-${name}`} className={label}>
        {title}
      </label>
      <input id={`events-${name}`} name={name} type={type === "date" && value.includes("T") ? "text" : type} defaultValue={value} placeholder={placeholder} className={`${control} ${mono ? "font-mono" : ""}`} />
    </div>
  );
}

/**
 * A log's filters as a GET form, like the token inventory's: the view lives in the URL, and
 * applying starts again at the newest events. The administrators' log adds account, actor and
 * actor token (`admin`). Dates are days in the reader's own time zone.
 */
export function EventFilters({ path, values, options, admin = false }: { path: string; values: EventFilterValues; options: ActionOptions; admin?: boolean }) {
  const filtered = Object.values(values).some(Boolean);
  const known = [...options.kinds, ...options.actions].some((o) => o.value === values.action);
  return (
    <Form action={path} key={JSON.stringify(values)} className="rounded-lg border border-gray-200 bg-white p-3 shadow-sm sm:p-4">
      <div role="search" aria-label="Filter events" className="flex flex-wrap items-end gap-3">
        <div className={smallCell}>
          <label htmlFor="events-action" className={label}>
            Kind
          </label>
          <select id="events-action" name="action" defaultValue={values.action} className={control}>
            <option value="">Every event</option>
            {values.action && !known ? <option value={values.action}>{values.action}</option> : null}
            <optgroup label="Kinds">
              {options.kinds.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </optgroup>
            <optgroup label="One action">
              {options.actions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
        {admin ? <Field name="user" title="Account" value={values.user ?? ""} placeholder="Email or user id" /> : null}
        {admin ? <Field name="actor" title="Done by" value={values.actor ?? ""} placeholder="Email or user id" /> : null}
        <Field name="token" title="Token" value={values.token} placeholder="Token GUID" mono />
        {admin ? <Field name="actorToken" title="Done with token" value={values.actorToken ?? ""} placeholder="Token GUID" mono /> : null}
        <Field name="from" title="From" type="date" value={values.from} cell={smallCell} />
        <Field name="to" title="To (inclusive)" type="date" value={values.to} cell={smallCell} />
        <div className="flex basis-full gap-2 sm:basis-auto">
          <button type="submit" className={buttonClasses("primary", "md", "py-1.5")}>
            Apply
          </button>
          {filtered ? (
            <Link href={path} className={buttonClasses("secondary", "md", "py-1.5")}>
              Clear
            </Link>
          ) : null}
        </div>
      </div>
    </Form>
  );
}
