import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { NotificationList, type NoticeView } from "@/components/notifications/notification-list";
import { renderWithRouter } from "../helpers/app-router";

/** Opening a notice: an unread one is marked read (its id alone) before the page goes where it leads; a read one just goes. */
const notice = (id: string, read: boolean, link: string | null = "/settings/tokens/x"): NoticeView => ({ id, title: `Notice ${id}`, body: `Body ${id}`, link, createdAt: "2031-05-01T12:00:00.000Z", read });

test("an unread notice says so in words, and opening it marks it read, then navigates", async () => {
  const marked: string[][] = [];
  const { pushed } = renderWithRouter(
    <NotificationList
      notices={[notice("a", false), notice("b", true), notice("c", false, "https://evil.example/")]}
      actions={{ markRead: async (ids) => (marked.push(ids), { ok: true, marked: ids.length }), markAllRead: async () => ({ ok: true, marked: 0 }) }}
    />,
  );
  const items = screen.getAllByRole("listitem");
  expect(items.map((li) => [li.querySelector("h2")!.textContent, li.textContent!.includes("Unread")])).toEqual([
    ["Notice a", true],
    ["Notice b", false],
    ["Notice c", true],
  ]);
  // A link that would leave the site is not made a link.
  expect(screen.queryByRole("link", { name: "Notice c" })).toBeNull();
  await userEvent.click(screen.getByRole("link", { name: "Notice a" }));
  await waitFor(() => expect(pushed).toEqual(["/settings/tokens/x"]));
  expect(marked).toEqual([["a"]]);
});
