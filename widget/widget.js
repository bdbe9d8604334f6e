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
  const view = new WidgetView(container, { title: options.title, open: options.open }, {
    send: (text, extra) => view.addMessage(client.send(text, extra)),
    typing: (isTyping) => client.typing(isTyping),
    rate: (rating) => client.rate(rating),
    followUp: (email) => client.followUp(email),
    continueWithBot: () => client.continueWithBot(),
    newConversation: () => {
      client.disconnect();
      client.resetSession();
      mount(container, options);
    },
  });
  client = new ChatClient({
    io,
    server: options.server || SERVER,
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
    },
  });
  for (const item of client.outbox) view.addMessage({ ...item, sender: "customer", seq: null, pending: true });
  client.connect();
  const handle = {
    client,
    view,
    destroy: () => {
      client.disconnect();
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
