import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { PoliciesForm } from "@/components/admin/policies-form";
import type { Policies, PoliciesActionResult } from "@/components/admin/types";

jest.setTimeout(30_000);

const NONE: Policies = { maxTokenLifetimeDays: null, maxRotationOverlapSeconds: null, maxActiveTokensPerUser: null, revokeUnusedAfterDays: null };
const BREACHES = { total: 3, maxTokenLifetimeDays: 3, maxRotationOverlapSeconds: 0, maxActiveTokensPerUser: 0 };

function renderForm(policies: Policies, answer?: (input: Policies) => PoliciesActionResult) {
  const calls: unknown[] = [];
  const save = async (input: unknown) => {
    calls.push(input);
    return answer ? answer(input as Policies) : { ok: true as const, policies: input as Policies, breaches: BREACHES };
  };
  render(<PoliciesForm policies={policies} save={save} />);
  return { calls, user: userEvent.setup(), form: screen.getByRole("form", { name: "Token policies" }) };
}

const group = (form: HTMLElement, name: string) => within(form).getByRole("group", { name });

test("shows the policies in force, and each limit as “No limit” or its number in its unit", () => {
  const { form } = renderForm({ maxTokenLifetimeDays: 90, maxRotationOverlapSeconds: 5400, maxActiveTokensPerUser: null, revokeUnusedAfterDays: 365 });
  const inForce = screen.getByRole("region", { name: "In force" });
  expect(within(inForce).getAllByRole("definition").map((d) => d.textContent)).toEqual(["90 days", "90 minutes", "No limit", "After 365 days unused"]);
  expect(within(group(form, "Maximum token lifetime")).getByRole("radio", { name: "At most" })).toBeChecked();
  expect(within(form).getByRole("spinbutton", { name: "Maximum token lifetime" })).toHaveValue(90);
  expect(within(form).getByRole("spinbutton", { name: "Maximum rotation overlap" })).toHaveValue(90);
  expect(within(form).getByRole("combobox", { name: "Unit" })).toHaveValue("minutes");
  expect(within(group(form, "Maximum active tokens per person")).getByRole("radio", { name: "No limit" })).toBeChecked();
  expect(within(form).getByRole("spinbutton", { name: "Maximum active tokens per person" })).toBeDisabled();
});

test("sends every limit, the overlap in seconds, and says how many tokens break them with a link to them", async () => {
  const { form, user, calls } = renderForm(NONE);
  await user.click(within(group(form, "Maximum token lifetime")).getByRole("radio", { name: "At most" }));
  await user.type(within(form).getByRole("spinbutton", { name: "Maximum token lifetime" }), "30");
  await user.click(within(group(form, "Maximum rotation overlap")).getByRole("radio", { name: "At most" }));
  await user.type(within(form).getByRole("spinbutton", { name: "Maximum rotation overlap" }), "2");
  await user.click(within(form).getByRole("button", { name: "Save policies" }));
  expect(calls).toEqual([{ maxTokenLifetimeDays: 30, maxRotationOverlapSeconds: 7200, maxActiveTokensPerUser: null, revokeUnusedAfterDays: null }]);
  const status = await screen.findByRole("status");
  expect(status).toHaveTextContent("3 existing tokens break them; they keep working until they end. Show them");
  expect(within(status).getByRole("link", { name: "Show them" })).toHaveAttribute("href", "/admin/tokens?breaksPolicy=true");
});

test("a value out of range is an error on its field, focused, and nothing is sent", async () => {
  const { form, user, calls } = renderForm(NONE);
  await user.click(within(group(form, "Maximum active tokens per person")).getByRole("radio", { name: "At most" }));
  const field = within(form).getByRole("spinbutton", { name: "Maximum active tokens per person" });
  await user.type(field, "0");
  await user.click(within(form).getByRole("button", { name: "Save policies" }));
  expect(calls).toEqual([]);
  expect(field).toHaveFocus();
  expect(field).toHaveAttribute("aria-invalid", "true");
  expect(field).toHaveAccessibleDescription(
    "The maximum of active tokens per person must be a whole number of tokens from 1 to 100,000, or null for no limit.",
  );
  // "At most" with nothing typed is not "No limit".
  await user.clear(field);
  await user.click(within(form).getByRole("button", { name: "Save policies" }));
  expect(calls).toEqual([]);
});

test("the server's field errors are shown on their fields", async () => {
  const message = "The maximum token lifetime must be a whole number of days from 1 to 3,650, or null for no limit.";
  const { form, user } = renderForm({ ...NONE, maxTokenLifetimeDays: 30 }, () => ({ ok: false, error: "Some fields need attention.", fieldErrors: { maxTokenLifetimeDays: [message] } }));
  await user.click(within(form).getByRole("button", { name: "Save policies" }));
  expect(await within(form).findByText(message)).toBeInTheDocument();
  expect(within(form).getByRole("spinbutton", { name: "Maximum token lifetime" })).toHaveAttribute("aria-invalid", "true");
});
