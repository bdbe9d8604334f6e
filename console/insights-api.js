/**
 * The insights endpoints (agents only): every call sends the console's session token and
 * resolves to the JSON body, or throws an Error whose `status` is the HTTP status.
 */

export async function getJson(token, url) {
  const response = await fetch(url, { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((body.error && body.error.message) || "The server could not answer.");
    error.status = response.status;
    throw error;
  }
  return body;
}

export const report = (token, since) => getJson(token, `/api/insights?since=${encodeURIComponent(since)}`);

export function searchConversations(token, filters) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== "" && v !== null));
  return getJson(token, `/api/insights/conversations?${query}`);
}

export const transcript = (token, id) => getJson(token, `/api/insights/conversations/${Number(id)}`);

/** Download a conversation's test story as `conversation-<id>.yml`. */
export async function downloadStory(token, id) {
  const response = await fetch(`/api/insights/conversations/${Number(id)}/story`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error("The test story could not be made.");
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: `conversation-${Number(id)}.yml` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
