/** Larger than any valid token request (name, description, 50 scopes, dates) by a wide margin. */
export const MAX_BODY_BYTES = 16 * 1024;
