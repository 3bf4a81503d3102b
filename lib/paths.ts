/** Pages that server code revalidates or sends people back to. */
export const ACCOUNT_PATH = "/settings";
export const TOKENS_PATH = "/settings/tokens";
