/**
 * The console's static layout: the sign-in screen (the only thing an unauthenticated
 * visitor sees) and, once signed in, the three-column workspace.
 */

import { el } from "../shared/dom.js";

/**
 * Build the sign-in form.
 * @param {(username: string, password: string) => Promise<?string>} onSubmit resolves to an error text or null
 * @param {string} [notice] shown above the form (e.g. "Your session expired")
 */
export function signInScreen(onSubmit, notice = "") {
  const username = el("input", { id: "username", name: "username", autocomplete: "username", required: true, autofocus: true });
  const password = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const feedback = el("p", { class: "form-feedback", role: "alert", text: notice });
  const submit = el("button", { type: "submit", class: "btn btn-primary btn-wide", text: "Sign in" });
  const form = el("form", { class: "signin-card", "aria-labelledby": "signin-title" },
    el("h1", { id: "signin-title", text: "Support console" }),
    el("p", { class: "signin-sub", text: "Sign in to take conversations from the assistant." }),
    el("div", { class: "field" }, el("label", { for: "username", text: "Username" }), username),
    el("div", { class: "field" }, el("label", { for: "password", text: "Password" }), password),
    submit, feedback);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      feedback.textContent = "Enter your username and password.";
      return;
    }
    submit.disabled = true;
    feedback.textContent = "";
    const error = await onSubmit(username.value.trim(), password.value);
    submit.disabled = false;
    if (error) {
      feedback.textContent = error;
      password.value = "";
      password.focus();
    }
  });
  return el("main", { class: "signin" }, form);
}

/** The signed-in workspace; returns the root and the nodes the controller fills. */
export function workspace(agentName) {
  const nodes = {};
  nodes.connection = el("span", { class: "conn", dataset: { state: "connecting" }, text: "Connecting…" });
  nodes.availability = el("button", { type: "button", class: "switch", role: "switch", "aria-checked": "false",
    id: "availability" }, el("span", { class: "switch-knob", "aria-hidden": "true" }), el("span", { class: "switch-text", text: "Away" }));
  nodes.agentName = el("span", { class: "agent-name", text: agentName });
  nodes.signOut = el("button", { type: "button", class: "btn btn-ghost btn-small", text: "Sign out" });
  const header = el("header", { class: "topbar" },
    el("div", { class: "brand" }, el("span", { class: "brand-mark", "aria-hidden": "true", text: "◆" }), "Support console"),
    el("div", { class: "topbar-right" }, nodes.connection,
      el("label", { class: "availability", for: "availability", text: "Available" }), nodes.availability,
      el("a", { class: "topbar-link", href: "/console/insights", target: "_blank", rel: "opener", text: "Insights" }),
      nodes.agentName, nodes.signOut));

  nodes.queueCount = el("span", { class: "count", text: "0" });
  nodes.mineCount = el("span", { class: "count", text: "0" });
  nodes.mine = el("ol", { class: "mine", "aria-label": "My conversations" });
  nodes.tabs = el("div", { class: "inbox-tabs", role: "tablist", "aria-label": "Inbox views" });
  nodes.search = el("div", { class: "inbox-search", role: "search" });
  nodes.queue = el("ol", { class: "queue", "aria-label": "Waiting conversations" });
  const rail = el("nav", { class: "rail", "aria-label": "Conversations" },
    el("section", { class: "mine-section" }, el("h2", {}, "My conversations ", nodes.mineCount), nodes.mine),
    el("section", { class: "inbox-section" }, el("h2", {}, "Inbox · waiting ", nodes.queueCount),
      nodes.tabs, nodes.search, el("div", { class: "inbox-scroll" }, nodes.queue)));

  nodes.empty = el("div", { class: "empty-state" },
    el("h2", { text: "No conversation selected" }),
    el("p", { text: "Claim someone from the queue on the left. You'll hear a chime and see a notice when a new handoff arrives." }));
  nodes.convTitle = el("h2", { id: "conv-title" });
  nodes.convMeta = el("p", { class: "conv-meta" });
  nodes.convReasons = el("div", { class: "conv-reasons" });
  nodes.convLabels = el("div", { class: "conv-labels" });
  nodes.convHeaderActions = el("div", { class: "conv-header-actions" });
  nodes.transcript = el("ol", { class: "transcript", "aria-label": "Transcript", "aria-live": "polite" });
  nodes.typing = el("p", { class: "typing", hidden: true, "aria-live": "polite" });
  nodes.composer = el("div", { class: "composer" });
  nodes.conversation = el("section", { class: "conversation", "aria-labelledby": "conv-title", hidden: true },
    el("div", { class: "conv-header" }, el("div", {}, nodes.convTitle, nodes.convMeta), nodes.convHeaderActions),
    nodes.convReasons, nodes.convLabels,
    el("div", { class: "transcript-scroll" }, nodes.transcript),
    nodes.typing, nodes.composer);
  const center = el("main", { class: "center" }, nodes.empty, nodes.conversation);

  nodes.actions = el("div", { class: "actions-panel" });
  nodes.context = el("div", { class: "context-panel" });
  nodes.side = el("aside", { class: "side", "aria-label": "Customer context", hidden: true },
    nodes.actions, el("h2", { class: "side-title", text: "Customer context" }), nodes.context);

  nodes.toasts = el("div", { class: "toasts", "aria-live": "assertive" });
  const root = el("div", { class: "app" }, header, el("div", { class: "columns" }, rail, center, nodes.side), nodes.toasts);
  return { root, nodes };
}
