import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import AppError from "@/app/error";
import TokensError from "@/app/settings/tokens/error";

/** A failure as the page would meet it: a message and a stack that must not reach the reader, and Next's digest. */
function failure(): Error {
  const error = new Error("connect ECONNREFUSED 10.0.0.7:5432 (password authentication for tollgate_admin)");
  return Object.assign(error, { digest: "3141592653" });
}

let logged: unknown[];
beforeEach(() => {
  logged = [];
  jest.spyOn(console, "error").mockImplementation((...args) => logged.push(...args));
});
afterEach(() => jest.restoreAllMocks());

test.each([
  ["the app's error page", AppError, "Something went wrong"],
  ["the token page's error state", TokensError, "Your tokens could not be loaded"],
])("%s says what happened in plain words, with a reference and a retry, and keeps the details out of the page", async (_, Page, heading) => {
  const user = userEvent.setup();
  const error = failure();
  const retries: string[] = [];
  render(<Page error={error} retry={() => retries.push("retry")} />);

  const alert = screen.getByRole("alert");
  expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent(heading);
  expect(alert).toHaveTextContent("Reference: 3141592653");
  expect(document.body).not.toHaveTextContent(/ECONNREFUSED|tollgate_admin|5432/);
  expect(document.body.textContent).not.toContain(error.stack!.split("\n")[1]!.trim());
  // The details go to the console, where whoever runs the app can see them.
  expect(logged).toContain(error);

  await user.click(screen.getByRole("button", { name: "Try again" }));
  expect(retries).toEqual(["retry"]);
});
