/**
 * Embeddable customer chat widget.
 *
 * Embed with one container and one script tag (served by the handoff service):
 *
 *   <div data-support-chat></div>
 *   <script type="module" src="https://support.example.com/widget/widget.js"></script>
 *
 * Optional attributes on the container: `data-identity-token` (a signed customer token
 * from your back end), `data-session-key` (keeps separate sessions per signed-in user),
 * `data-title`, `data-open="false"` (start minimised). A page opened from a check-in e-mail's
 * link (`?resume=<token>`) opens that conversation, with its transcript. The stylesheet and the vendored
 * Socket.IO client are loaded from next to this file. `window.SupportChat.mount()`
 * (re)starts the widget from script, which the demo shop page does on a customer switch.
 *
 * At load the widget opens only on a wide screen (never over the whole page of a phone) and
 * never takes the focus; the customer's own open/minimise is remembered for the next page, and
 * a link to `#support-chat` (the e-mails' link back) opens it.
 */

import { ChatClient } from "./chat-client.js";
import { WidgetView } from "./view.js";

const HERE = new URL(".", import.meta.url);
const SERVER = new URL("..", HERE).origin;

let ioPromise = null;

/** Load the vendored Socket.IO client once (no CDN). */
function loadSocketIo() {
  if (window.io) return Promise.resolve(window.io);
  if (!ioPromise) {
    ioPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("vendor/socket.io.min.js", HERE).href;
      script.onload = () => resolve(window.io);
      script.onerror = () => reject(new Error("could not load the Socket.IO client"));
      document.head.append(script);
    });
  }
  return ioPromise;
}

function loadStyles() {
  if (document.querySelector("link[data-support-chat-css]")) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("widget.css", HERE).href;
  link.dataset.supportChatCss = "";
  document.head.append(link);
}

const mounted = new WeakMap();
const PHONE = "(max-width: 480px)";
const OPEN_HASH = "#support-chat";

/** Open at load? The link back from our e-mails, else the customer's last choice, else wide screens only. */
function openAtLoad(storageKey, wanted) {
  if (location.hash === OPEN_HASH) return true;
  try {
    const chosen = localStorage.getItem(`${storageKey}:open`);
    if (chosen === "true" || chosen === "false") return chosen === "true";
  } catch {
    /* no storage: fall through */
  }
  return wanted !== false && !window.matchMedia(PHONE).matches;
}

function rememberOpen(storageKey, open) {
  try {
    localStorage.setItem(`${storageKey}:open`, String(open));
  } catch {
    /* private mode: the choice lasts as long as the page */
  }
}

/** The check-in link's token in the address, taken out of it (it is kept with the session). */
function takeResumeToken() {
  const url = new URL(location.href);
  const token = url.searchParams.get("resume");
  if (!token) return null;
  url.searchParams.delete("resume");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  return token;
}

/**
 * Start (or restart) the widget in `container`.
 * @param {HTMLElement} container
 * @param {{identityToken?: string|null, sessionKey?: string, title?: string, open?: boolean,
 *   server?: string, resumeToken?: string|null}} [options]
 * @returns {Promise<{client: ChatClient, view: WidgetView, destroy: () => void}>}
 */
export async function mount(container, options = {}) {
  unmount(container);
  loadStyles();
  const io = await loadSocketIo();
  const storageKey = `support-chat:${options.sessionKey || "visitor"}`;
  let client = null;
  const server = options.server || SERVER;
  const open = openAtLoad(storageKey, options.open);
  const view = new WidgetView(container, { title: options.title, open, server }, {
    send: (text, extra) => view.addMessage(client.send(text, extra)),
    sendFile: (file, clientMsgId) => client.sendFile(file, clientMsgId),
    typing: (isTyping) => client.typing(isTyping),
    rate: (rating) => client.rate(rating),
    followUp: (email) => client.followUp(email),
    continueWithBot: () => client.continueWithBot(),
    emailTranscript: (email) => client.emailTranscript(email),
    notifyMe: (email) => client.notifyMe(email),
    seen: () => (client ? client.seenSeq : Number.MAX_SAFE_INTEGER),
    markSeen: (seq) => client && client.markSeen(seq),
    opened: (isOpen) => rememberOpen(storageKey, isOpen),
    newConversation: () => {
      client.disconnect();
      client.resetSession();
      mount(container, options);
    },
  });
  client = new ChatClient({
    io,
    server,
    storageKey,
    identityToken: options.identityToken || null,
    resumeToken: options.resumeToken || takeResumeToken(),
    listener: {
      onConnection: (state) => view.setConnection(state),
      onMessage: (message) => view.addMessage(message),
      onHandoffStatus: (status) => view.showStatus(status),
      onTyping: (typing) => view.showTyping(typing),
      onError: (error) => (error.clientMsgId
        ? view.refuse(error.clientMsgId, error.text, error.message)
        : view.showError(error.message)),
      onRejected: (notice) => view.showError(notice.message),
      onLimits: (limits) => view.setLimits(limits),
    },
  });
  for (const item of client.outbox) view.addMessage({ ...item, sender: "customer", seq: null, pending: true });
  client.connect();
  const handle = {
    client,
    view,
    destroy: () => {
      client.disconnect();
      view.destroy();
      container.replaceChildren();
    },
  };
  mounted.set(container, handle);
  container.dataset.supportChatReady = "true";
  return handle;
}

/** Stop the widget in `container`, if any. */
export function unmount(container) {
  const handle = mounted.get(container);
  if (handle) handle.destroy();
  mounted.delete(container);
}

function autoMount() {
  for (const container of document.querySelectorAll("[data-support-chat]")) {
    if (container.dataset.manual === "true") continue;
    mount(container, {
      identityToken: container.dataset.identityToken || null,
      sessionKey: container.dataset.sessionKey,
      title: container.dataset.title,
      open: container.dataset.open !== "false",
    });
  }
}

window.SupportChat = { mount, unmount };
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount);
else autoMount();
