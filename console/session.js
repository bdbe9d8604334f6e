/**
 * What the console keeps in sessionStorage: the agent's token, the conversation that was open
 * (and any previews), the inbox view and its search, and a draft per conversation, so a reload
 * puts the agent back where they were, with what they were typing.
 */

const TOKEN_KEY = "support-console:token";
const OPEN_KEY = "support-console:open";
const ACTIVE_KEY = "support-console:active";
const INBOX_KEY = "support-console:inbox";
const DRAFT_PREFIX = "support-console:draft:";

export const tokenStore = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

function readJson(key, fallback) {
  try {
    const value = JSON.parse(sessionStorage.getItem(key) || "null");
    return value === null ? fallback : value;
  } catch {
    return fallback;
  }
}

/** Remember the ids of the open conversations. */
export function saveOpenIds(ids) {
  sessionStorage.setItem(OPEN_KEY, JSON.stringify([...ids]));
}

/** The ids remembered by `saveOpenIds` (none when unreadable). */
export function savedOpenIds() {
  const ids = readJson(OPEN_KEY, []);
  return Array.isArray(ids) ? ids.filter(Number.isInteger) : [];
}

/** Remember which conversation is on screen (null: none). */
export function saveActiveId(id) {
  if (Number.isInteger(id)) sessionStorage.setItem(ACTIVE_KEY, String(id));
  else sessionStorage.removeItem(ACTIVE_KEY);
}

export function savedActiveId() {
  const id = Number(sessionStorage.getItem(ACTIVE_KEY));
  return Number.isInteger(id) && id > 0 ? id : null;
}

/** The inbox tab, search and filters. */
export function saveInboxState(state) {
  sessionStorage.setItem(INBOX_KEY, JSON.stringify(state));
}

export function savedInboxState() {
  const state = readJson(INBOX_KEY, {});
  return state && typeof state === "object" && !Array.isArray(state) ? state : {};
}

/** The unsent reply of a conversation ("" removes it). */
export function saveDraft(id, text) {
  if (!Number.isInteger(id)) return;
  if (text) sessionStorage.setItem(DRAFT_PREFIX + id, text);
  else sessionStorage.removeItem(DRAFT_PREFIX + id);
}

export function savedDraft(id) {
  return Number.isInteger(id) ? sessionStorage.getItem(DRAFT_PREFIX + id) || "" : "";
}

/** Forget everything above (sign-out). */
export function clearSession() {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith("support-console:")) sessionStorage.removeItem(key);
  }
}
