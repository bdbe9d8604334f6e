/**
 * What the console keeps in sessionStorage: the agent's token and the conversations they have
 * open, so a reload keeps the agent signed in and re-opens those conversations.
 */

const TOKEN_KEY = "support-console:token";
const OPEN_KEY = "support-console:open";

export const tokenStore = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Remember the ids of the open conversations. */
export function saveOpenIds(ids) {
  sessionStorage.setItem(OPEN_KEY, JSON.stringify([...ids]));
}

/** The ids remembered by `saveOpenIds` (none when unreadable). */
export function savedOpenIds() {
  try {
    const ids = JSON.parse(sessionStorage.getItem(OPEN_KEY) || "[]");
    return Array.isArray(ids) ? ids.filter(Number.isInteger) : [];
  } catch {
    return [];
  }
}

/** Forget the token and the open conversations (sign-out). */
export function clearSession() {
  tokenStore.clear();
  sessionStorage.removeItem(OPEN_KEY);
}
