/**
 * Agent console controller: sign-in, then the workspace wired to the "/agent" namespace.
 *
 * State lives here (agent, queue, open conversations with unread counts); the views in
 * the sibling modules only render. The agent's conversations and every inbox view come from
 * the server on each load (`inbox`); sessionStorage keeps the token, the conversation on
 * screen, the inbox view and drafts, so a reload puts the agent back where they were.
 */

import { ActionsView } from "./actions-view.js";
import { AGENT_EVENTS as E, AgentClient, login } from "./agent-client.js";
import { CannedManager } from "./canned-view.js";
import { Composer } from "./composer.js";
import { renderContext } from "./context-view.js";
import { askForNotifications, beep, handoffNotice, messageNotice, pageVisible, titleBadge, toast, unlockAudio }
  from "./notify.js";
import { customerName, renderHeader } from "./conversation-header.js";
import { renderLabels } from "./labels-view.js";
import { QueueView } from "./queue-view.js";
import {
  clearSession, saveActiveId, savedActiveId, savedInboxState, saveInboxState, savedOpenIds, saveOpenIds, tokenStore,
} from "./session.js";
import { signInScreen, workspace } from "./shell.js";
import { SummaryView } from "./summary-view.js";
import { TranscriptView } from "./transcript-view.js";
import { errorText } from "../shared/ack.js";
import { uploadFile } from "../shared/attachments.js";
import { clear, randomId } from "../shared/dom.js";

const app = document.getElementById("app");

class Console {
  constructor(io, token, agent) {
    this.agent = agent;
    this.token = token;
    this.conversations = new Map(); // id -> {view, unread}
    this.activeId = null;
    this.seenQueue = new Set();
    this.firstQueue = true;
    this.waiting = 0;
    this.unseenHere = 0; // customer messages in the open conversation while the tab was hidden
    this.onVisible = () => {
      if (!pageVisible()) return;
      this.unseenHere = 0;
      this.updateTitle();
    };
    document.addEventListener("visibilitychange", this.onVisible);
    const { root, nodes } = workspace(agent ? agent.display_name : "");
    this.nodes = nodes;
    clear(app).append(root);
    this.queue = new QueueView(nodes, {
      claim: (id) => this.claim(id), open: (id) => this.open(id), select: (id) => this.select(id),
      query: (query) => this.client.request(E.INBOX, query), changed: (state) => saveInboxState(state),
      returnToQueue: (id) => this.returnToQueue(id),
    }, savedInboxState());
    this.activeId = savedActiveId();
    this.team = null;
    this.transcript = new TranscriptView(nodes.transcript);
    this.summary = new SummaryView(nodes.conversation, {
      grant: (grant) => this.grant(grant), send: (text) => this.send(text, false),
    });
    this.composer = new Composer(nodes.composer, {
      send: (text, asNote) => this.send(text, asNote),
      sendFile: (file) => this.sendFile(file),
      typing: (on) => this.activeId && this.client.emit(E.TYPING, { conversation_id: this.activeId, typing: on }),
      manageCanned: () => this.canned.open(),
    });
    this.canned = new CannedManager(root, {
      list: () => this.client.request(E.CANNED_LIST, {}),
      save: (item) => this.client.request(E.CANNED_SAVE, item),
      remove: (id) => this.client.request(E.CANNED_DELETE, { id }),
      errorText,
    });
    this.actions = new ActionsView(nodes.actions, {
      grant: (grant) => this.grant(grant),
      handBack: () => this.flow(E.HAND_BACK, {}),
      transfer: (to) => this.flow(E.TRANSFER, to ? { to_agent_id: to } : {}),
      team: () => this.loadTeam(),
      resolve: (disposition) => this.flow(E.RESOLVE, { disposition }),
    });
    nodes.availability.addEventListener("click", () => this.toggleAvailability());
    nodes.signOut.addEventListener("click", () => this.signOut());
    this.client = new AgentClient(io, token, {
      connection: (state) => this.setConnection(state),
      unauthorized: () => signOut("Your session has expired. Please sign in again."),
      [E.AGENT_STATE]: ({ agent: a }) => this.setAgent(a),
      [E.QUEUE]: ({ items }) => this.setQueue(items || []),
      [E.HANDOFF_OFFERED]: ({ item }) => item && this.notify(item),
      [E.MESSAGE]: (payload) => this.onMessage(payload),
      [E.TYPING]: (payload) => this.onTyping(payload),
      [E.CONVERSATION_UPDATED]: (payload) => this.onUpdated(payload),
      [E.CANNED_REPLIES]: ({ items }) => this.onCanned(items || []),
      [E.CONVERSATION_ASSIGNED]: (payload) => this.onAssigned(payload),
      [E.LABELS_CHANGED]: (payload) => this.onLabels(payload),
      [E.SIGNED_OUT]: () => this.signingOut || signOut("You signed out in another tab."),
    });
    this.renderMine();
  }

  setConnection(state) {
    this.nodes.connection.dataset.state = state;
    this.nodes.connection.textContent = state === "online" ? "Connected" : "Reconnecting…";
    if (state === "online") this.reopen();
  }

  setAgent(agent) {
    if (!agent) return;
    this.agent = agent;
    this.nodes.agentName.textContent = agent.display_name;
    const online = agent.status === "online";
    this.nodes.availability.setAttribute("aria-checked", String(online));
    this.nodes.availability.dataset.status = agent.status; // the server's word, once it has spoken
    this.nodes.availability.querySelector(".switch-text").textContent = online ? "Online" : "Away";
    this.renderMine();
    if (this.activeId) this.renderActive();
  }

  async toggleAvailability() {
    const next = this.agent && this.agent.status === "online" ? "away" : "online";
    const ack = await this.client.request(E.SET_STATUS, { status: next });
    if (ack.ok) this.setAgent(ack.agent || { ...this.agent, status: next });
    else toast(this.nodes.toasts, { title: "Couldn't change availability", body: errorText(ack), tone: "alert" });
  }

  setQueue(items) {
    this.queue.setQueue(items);
    this.nodes.queueCount.textContent = String(items.length);
    for (const item of items) {
      if (!this.seenQueue.has(item.conversation_id) && !this.firstQueue) this.notify(item);
      this.seenQueue.add(item.conversation_id);
    }
    this.firstQueue = false;
    this.waiting = items.length;
    this.updateTitle();
  }

  /** The tab title counts who waits and every unread customer message. */
  updateTitle() {
    let unread = this.unseenHere;
    for (const { unread: n } of this.conversations.values()) unread += n;
    titleBadge(this.waiting + unread);
  }

  /** Visible and audible notice of a new handoff (once per conversation). */
  notify(item) {
    if (this.notified && this.notified.has(item.conversation_id)) return;
    (this.notified ||= new Set()).add(item.conversation_id);
    this.seenQueue.add(item.conversation_id);
    handoffNotice(this.nodes.toasts, item, () => this.claim(item.conversation_id));
  }

  async claim(id) {
    const ack = await this.client.request(E.CLAIM, { conversation_id: id });
    if (!ack.ok) {
      toast(this.nodes.toasts, { title: "Couldn't claim that conversation", body: errorText(ack), tone: "alert" });
      return;
    }
    for (const node of this.nodes.toasts.querySelectorAll(`[data-conversation-id="${Number(id)}"]`)) node.remove();
    this.store(ack.conversation);
    this.select(ack.conversation.id);
  }

  async open(id, { quiet = false } = {}) {
    const ack = await this.client.request(E.OPEN, { conversation_id: id });
    if (!ack.ok) {
      if (!quiet) toast(this.nodes.toasts, { title: "Couldn't open that conversation", body: errorText(ack), tone: "alert" });
      return null;
    }
    this.store(ack.conversation);
    if (!quiet) this.select(ack.conversation.id);
    return ack.conversation;
  }

  /**
   * After a reconnect or reload: the agent's conversations from the server, the previews that
   * were open, and the conversation that was on screen.
   */
  async reopen() {
    const mine = await this.client.request(E.INBOX, { view: "mine", limit: 100 });
    const serverIds = mine.ok ? mine.items.map((item) => item.conversation_id) : [];
    const wanted = savedActiveId();
    const ids = new Set([...serverIds, ...this.conversations.keys(), ...savedOpenIds(), ...(wanted ? [wanted] : [])]);
    for (const id of ids) {
      const view = await this.open(id, { quiet: true });
      if (!view) this.conversations.delete(id);
    }
    const active = [wanted, this.activeId].find((id) => id && this.conversations.has(id));
    if (active) this.select(active);
    else if (this.conversations.size) this.select([...this.conversations.keys()][0]);
    else this.renderActive();
    this.renderMine();
    this.queue.refresh();
  }

  async returnToQueue(id) {
    const ack = await this.client.request(E.RETURN_TO_QUEUE, { conversation_id: id });
    if (!ack.ok) toast(this.nodes.toasts, { title: "Couldn't return that conversation", body: errorText(ack), tone: "alert" });
    this.scheduleRefresh();
  }

  async loadTeam() {
    const ack = await this.client.request(E.TEAM, {});
    if (ack.ok) this.team = ack.agents || [];
    return ack.ok ? this.team : null;
  }

  /** Sign out on the server first: open conversations go back to the queue, first in line. */
  async signOut() {
    this.signingOut = true;
    const ack = await this.client.request(E.SIGN_OUT, {});
    const moved = ack.ok ? (ack.returned || []).length : 0;
    signOut(moved ? `You're signed out. ${moved} open conversation${moved > 1 ? "s" : ""} went back to the queue, first in line.` : "");
  }

  store(view) {
    const existing = this.conversations.get(view.id);
    this.conversations.set(view.id, { view, unread: existing ? existing.unread : 0 });
    saveOpenIds(this.conversations.keys());
    if (view.id === this.activeId) this.renderActive();
    this.renderMine();
  }

  select(id) {
    const entry = this.conversations.get(id);
    if (!entry) return;
    this.activeId = id;
    saveActiveId(id);
    entry.unread = 0;
    for (const node of this.nodes.toasts.querySelectorAll(`[data-message-for="${Number(id)}"]`)) node.remove();
    this.renderActive();
    this.renderMine();
    this.updateTitle();
  }

  isMine(view) {
    return view.status === "assigned" && view.assignee && this.agent && view.assignee.id === this.agent.id;
  }

  renderMine() {
    const mine = [...this.conversations.values()].map(({ view, unread }) => ({
      id: view.id, name: customerName(view),
      status: this.isMine(view) ? "yours" : view.status, severity: view.severity, unread,
    }));
    this.queue.setMine(mine, this.activeId);
  }

  renderActive() {
    const entry = this.conversations.get(this.activeId);
    this.nodes.empty.hidden = Boolean(entry);
    this.nodes.conversation.hidden = !entry;
    this.nodes.side.hidden = !entry;
    if (!entry) return;
    const { view } = entry;
    const mine = this.isMine(view);
    renderHeader(this.nodes, view, mine, { claim: () => this.claim(view.id), close: () => this.closeTab(view.id) });
    this.summary.render(view, mine);
    this.transcript.reset(view.messages || [], customerName(view));
    this.composer.load(view);
    this.composer.setEnabled(mine, mine ? "" : "Claim this conversation to reply.");
    this.nodes.actions.hidden = !mine;
    if (mine) this.actions.render(view, this.agent, this.team);
    renderContext(this.nodes.context, view.customer_context);
    renderLabels(this.nodes.convLabels, view, this.queue.labels, {
      add: (label) => this.label(view.id, label, true), remove: (label) => this.label(view.id, label, false),
    });
    this.nodes.typing.hidden = true;
    if (mine && !this.team) this.loadTeam().then(() => this.activeId === view.id && this.actions.render(view, this.agent, this.team));
  }

  async label(id, label, add) {
    const ack = await this.client.request(add ? E.ADD_LABEL : E.REMOVE_LABEL, { conversation_id: id, label });
    if (!ack.ok) return errorText(ack);
    this.onLabels({ conversation_id: id, labels: ack.labels });
    return null;
  }

  onLabels({ conversation_id: id, labels }) {
    const entry = this.conversations.get(id);
    if (entry) {
      entry.view.labels = labels || [];
      if (id === this.activeId) {
        renderLabels(this.nodes.convLabels, entry.view, this.queue.labels, {
          add: (label) => this.label(id, label, true), remove: (label) => this.label(id, label, false),
        });
      }
    }
    this.scheduleRefresh();
  }

  /** Refresh the inbox view soon (several changes in a row make one request). */
  scheduleRefresh() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.queue.refresh(), 250);
  }

  /** The customer came back and the conversation went straight to this agent. */
  async onAssigned({ conversation_id: id, item }) {
    const name = (item && item.customer && item.customer.name) || "A visitor";
    beep();
    toast(this.nodes.toasts, { title: `${name} is back and asked for you`, body: "The conversation is yours again.",
      action: { label: "Open", run: () => this.select(id) } });
    await this.open(id, { quiet: true });
  }

  closeTab(id) {
    this.conversations.delete(id);
    saveOpenIds(this.conversations.keys());
    if (this.activeId === id) this.activeId = this.conversations.size ? [...this.conversations.keys()][0] : null;
    saveActiveId(this.activeId);
    this.renderActive();
    this.renderMine();
    this.updateTitle();
  }

  async onMessage({ conversation_id: id, message }) {
    if (!message) return;
    let entry = this.conversations.get(id);
    const fromCustomer = !message.private && message.sender === "customer";
    if (!entry) {
      // One of this agent's conversations that this tab hasn't opened (e.g. transferred to them).
      if (!fromCustomer || !(await this.open(id, { quiet: true }))) return;
      entry = this.conversations.get(id);
      if (!entry) return;
    }
    const messages = entry.view.messages || (entry.view.messages = []);
    if (!messages.some((m) => m.seq === message.seq)) messages.push(message);
    if (id === this.activeId) {
      this.transcript.add(message);
      if (message.sender === "customer") this.nodes.typing.hidden = true;
    } else if (fromCustomer) {
      entry.unread += 1;
      this.renderMine();
    }
    // Sound and notices only for this agent's own conversations, not a colleague's one being looked at.
    if (!fromCustomer || !this.isMine(entry.view) || (id === this.activeId && pageVisible())) return;
    if (id === this.activeId) this.unseenHere += 1;
    this.updateTitle();
    messageNotice(this.nodes.toasts, {
      conversationId: id, name: customerName(entry.view), text: message.text || "",
      count: id === this.activeId ? this.unseenHere : entry.unread,
    }, () => this.select(id));
  }

  onTyping({ conversation_id: id, typing, sender }) {
    if (id !== this.activeId || sender !== "customer") return;
    this.nodes.typing.textContent = "The customer is typing…";
    this.nodes.typing.hidden = !typing;
    clearTimeout(this.typingTimer);
    if (typing) this.typingTimer = setTimeout(() => { this.nodes.typing.hidden = true; }, 8000);
  }

  onUpdated({ conversation_id: id, status, assignee }) {
    this.scheduleRefresh();
    const entry = this.conversations.get(id);
    if (!entry) {
      // Given to this agent elsewhere (another tab, a transfer): it belongs in My conversations.
      if (assignee && this.agent && assignee.id === this.agent.id) this.open(id, { quiet: true });
      return;
    }
    entry.view.status = status;
    entry.view.assignee = assignee || null;
    if (id === this.activeId) this.renderActive();
    this.renderMine();
  }

  /** The team changed its canned replies: show them, and refresh the open conversation's (filled) copies. */
  onCanned(items) {
    this.canned.setItems(items);
    if (this.activeId) this.open(this.activeId, { quiet: true });
  }

  async send(text, asNote) {
    const id = this.activeId;
    const body = asNote ? { conversation_id: id, text } : { conversation_id: id, text, client_msg_id: randomId() };
    const ack = await this.client.request(asNote ? E.NOTE : E.SEND, body);
    if (!ack.ok) return errorText(ack);
    this.onMessage({ conversation_id: id, message: {
      seq: ack.seq, sender: "agent", text, private: asNote, agent_name: this.agent && this.agent.display_name,
      created_at: new Date().toISOString(),
    } });
    return null;
  }

  /** Upload a file into the open conversation as this agent; null, or the reason it was refused. */
  async sendFile(file) {
    const id = this.activeId;
    const ack = await uploadFile(window.location.origin, file, {
      headers: { Authorization: `Bearer ${this.token}` }, query: { conversation_id: id, client_msg_id: randomId() } });
    if (ack.ok === false) return errorText(ack);
    this.onMessage({ conversation_id: id, message: ack.message });
    return null;
  }

  async grant(grant) {
    const id = this.activeId;
    const ack = await this.client.request(E.GRANT, { conversation_id: id, ...grant });
    if (!ack.ok) return errorText(ack);
    await this.open(id, { quiet: true }); // fresh context: the new resolution and order
    return null;
  }

  async flow(event, extra) {
    const id = this.activeId;
    const ack = await this.client.request(event, { conversation_id: id, ...extra });
    if (!ack.ok) return errorText(ack);
    await this.open(id, { quiet: true });
    return null;
  }
}

let current = null;

function showSignIn(notice = "") {
  clear(app).append(signInScreen(async (username, password) => {
    unlockAudio();
    askForNotifications();
    try {
      const { token, agent } = await login(username, password);
      tokenStore.set(token);
      start(token, agent);
      return null;
    } catch (error) {
      return error.message;
    }
  }, notice));
  document.getElementById("username").focus();
}

function start(token, agent) {
  current = new Console(window.io, token, agent);
}

function signOut(notice = "") {
  if (current) {
    current.client.close();
    current.queue.destroy();
    document.removeEventListener("visibilitychange", current.onVisible);
    current = null;
  }
  clearSession();
  titleBadge(0);
  showSignIn(notice);
}

const saved = tokenStore.get();
if (saved) {
  // A reload: the click that unlocks audio comes later, so unlock on the first gesture.
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });
  start(saved, null);
} else {
  showSignIn();
}
