import { tokenPageGuid, tokenPath } from "@/lib/paths";

/** The settings layout decides from the asked path whether it wraps a token's page (and must 404 for another's token). */
test("the GUID of a token page's path, as written; null for every other settings path", () => {
  const guid = "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f";
  expect(tokenPageGuid(tokenPath(guid))).toBe(guid);
  expect(tokenPageGuid(`${tokenPath(guid)}?usage=daily`)).toBe(guid);
  expect(tokenPageGuid(`${tokenPath(guid)}/`)).toBe(guid);
  expect(tokenPageGuid("/settings/tokens/not-a-guid")).toBe("not-a-guid");
  expect(tokenPageGuid("/settings/tokens/%E2%9C%93")).toBe("✓");
  expect(tokenPageGuid("/settings/tokens/%E2")).toBe("%E2");
  for (const path of ["/settings", "/settings/tokens", "/settings/tokens/", "/settings/tokens?guid=x", `/settings/tokens/${guid}/more`, `/admin/tokens/${guid}`]) {
    expect({ path, guid: tokenPageGuid(path) }).toEqual({ path, guid: null });
  }
});
