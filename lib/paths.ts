/** Pages that server code revalidates or sends people back to. */
export const ACCOUNT_PATH = "/settings";
export const TOKENS_PATH = "/settings/tokens";
/** One token's page: its details, history, events and use. */
export const tokenPath = (guid: string) => `${TOKENS_PATH}/${guid}`;
export const ADMIN_PATH = "/admin";
export const ADMIN_USERS_PATH = "/admin/users";
export const ADMIN_TOKENS_PATH = "/admin/tokens";
export const ADMIN_SCOPES_PATH = "/admin/scopes";
export const ADMIN_POLICIES_PATH = "/admin/policies";
