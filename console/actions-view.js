/**
 * What the agent can do with a claimed conversation: grant a resolution within their
 * "Make it Right" budget (refund / replacement / credit; the server changes the store and
 * leaves a system note), transfer, hand back to the bot, resolve with a disposition.
 */

import { clear, el, money } from "../shared/dom.js";

const KIND_LABELS = { replacement: "Replacement", credit: "Credit", refund: "Refund" };
const DISPOSITIONS = [
  ["resolved", "Resolved"],
  ["resolved_with_grant", "Resolved with a resolution"],
  ["follow_up_needed", "Follow-up needed"],
  ["no_response", "Customer stopped replying"],
];

/**
 * @typedef {object} ConversationActions
 * @property {(grant: object) => Promise<?string>} grant resolves to an error text or null
 * @property {() => Promise<?string>} handBack
 * @property {(toAgentId: ?number) => Promise<?string>} transfer to a colleague, or back to the queue (null)
 * @property {() => Promise<Array<object>>} team every agent (`team`: status, active, has_room, me)
 * @property {(disposition: string) => Promise<?string>} resolve
 */

export class ActionsView {
  /** @param {HTMLElement} root @param {ConversationActions} actions */
  constructor(root, actions) {
    this.root = root;
    this.actions = actions;
  }

  /**
   * @param {object} view the conversation view (`grantable`, `customer_context`, `status`)
   * @param {object} agent the signed-in agent (`resolution_budget`)
   */
  render(view, agent, team = null) {
    if (team) this.team = team;
    clear(this.root);
    if (this.viewId !== view.id) this.choice = null;
    this.viewId = view.id;
    const budget = Number(agent && agent.resolution_budget) || 0;
    const orders = ((view.customer_context && view.customer_context.orders) || []).map((o) => o.number);
    const grantable = view.grantable || [];
    this.root.append(this._grantForm(budget, orders, grantable), this._flowControls());
  }

  _grantForm(budget, orders, grantable) {
    const kind = el("select", { id: "grant-kind", name: "kind" },
      Object.entries(KIND_LABELS).map(([value, label]) => el("option", { value, text: label })));
    const order = el("select", { id: "grant-order", name: "order_number" },
      orders.length ? orders.map((number) => el("option", { value: number, text: `#${number}` }))
        : [el("option", { value: "", text: "No orders" })]);
    const amount = el("input", { id: "grant-amount", name: "amount", type: "number", min: "0.01", step: "0.01", max: budget || null, inputmode: "decimal" });
    const reason = el("input", { id: "grant-reason", name: "reason", type: "text", maxlength: 300, required: true,
      placeholder: "e.g. gift arrived damaged" });
    const feedback = el("p", { class: "form-feedback", role: "alert" });
    const submit = el("button", { type: "submit", class: "btn btn-primary", text: "Grant" });
    const amountRow = el("div", { class: "field" }, el("label", { for: "grant-amount", text: `Amount (budget ${money(budget)})` }), amount);
    let chargeId = null; // set by a "refund duplicate charge" preset
    const syncKind = () => { amountRow.hidden = kind.value !== "credit"; };
    // The panel re-renders after every change; keep what the agent picked (else the first suggestion).
    const remembered = this.choice || (grantable[0] && { kind: grantable[0].kind, order: grantable[0].order_number });
    if (remembered) {
      kind.value = remembered.kind;
      if (orders.includes(remembered.order)) order.value = remembered.order;
      const preset = grantable.find((g) => g.kind === kind.value && g.order_number === order.value);
      const suggested = preset && (preset.suggested_amount || preset.max_amount);
      if (kind.value === "credit" && suggested) amount.value = String(suggested);
    }
    const remember = () => { this.choice = { kind: kind.value, order: order.value }; };
    kind.addEventListener("change", () => { chargeId = null; syncKind(); remember(); });
    order.addEventListener("change", () => { chargeId = null; remember(); });
    syncKind();
    const presets = grantable.map((g) => el("button", {
      type: "button", class: "chip", text: g.label || `${KIND_LABELS[g.kind] || g.kind} for #${g.order_number}`,
      onclick: () => {
        kind.value = g.kind;
        if (g.order_number) order.value = g.order_number;
        chargeId = g.charge_id || null;
        remember();
        const suggested = g.suggested_amount || g.max_amount;
        amount.value = g.kind === "credit" && suggested ? String(suggested) : "";
        if (!reason.value && g.reason) reason.value = g.reason;
        syncKind();
        reason.focus();
      },
    }));
    const form = el("form", { class: "grant-form", "aria-labelledby": "grant-title" },
      el("h3", { id: "grant-title", text: "Make it right" }),
      el("p", { class: "ctx-small", text: `You can grant up to ${money(budget)} per incident. The store changes at once and a note is added.` }),
      presets.length ? el("div", { class: "chips", role: "group", "aria-label": "Suggested resolutions" }, presets) : null,
      el("div", { class: "field-row" },
        el("div", { class: "field" }, el("label", { for: "grant-kind", text: "Kind" }), kind),
        el("div", { class: "field" }, el("label", { for: "grant-order", text: "Order" }), order)),
      amountRow,
      el("div", { class: "field" }, el("label", { for: "grant-reason", text: "Reason (goes into the note)" }), reason),
      submit, feedback);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      feedback.textContent = "";
      feedback.classList.remove("ok");
      const grant = { kind: kind.value, reason: reason.value.trim() };
      if (grant.kind === "refund" && chargeId) grant.charge_id = chargeId;
      else grant.order_number = order.value;
      if (!grant.charge_id && !grant.order_number) { feedback.textContent = "Pick an order first."; return; }
      if (!grant.reason) { feedback.textContent = "Add a short reason: it goes into the note."; reason.focus(); return; }
      if (grant.kind === "credit") {
        const value = Number(amount.value);
        if (!(value > 0)) { feedback.textContent = "Enter the credit amount."; amount.focus(); return; }
        if (budget && value > budget) { feedback.textContent = `That's over your ${money(budget)} budget — ask a lead to approve it.`; return; }
        grant.amount = value;
      }
      submit.disabled = true;
      const error = await this.actions.grant(grant);
      submit.disabled = false;
      if (error) {
        feedback.textContent = error;
        return;
      }
      // The panel was re-rendered with fresh context meanwhile: report in the live form.
      const live = this.root.querySelector(".grant-form .form-feedback") || feedback;
      live.classList.add("ok");
      live.textContent = `${KIND_LABELS[grant.kind]} granted${grant.order_number ? ` for #${grant.order_number}` : ""}. A note was added.`;
    });
    return form;
  }

  _flowControls() {
    const feedback = el("p", { class: "form-feedback", role: "alert" });
    const run = (button, action) => async () => {
      button.disabled = true;
      feedback.textContent = "";
      const error = await action();
      button.disabled = false;
      if (error) feedback.textContent = error;
    };
    const handBack = el("button", { type: "button", class: "btn", text: "Hand back to the assistant" });
    handBack.addEventListener("click", run(handBack, () => this.actions.handBack()));

    // Transfer: the queue, or a colleague (online ones with room first; capacity shown).
    const picker = el("select", { id: "transfer-to", "aria-label": "Transfer to" });
    const fill = () => {
      const keep = picker.value;
      const others = (this.team || []).filter((a) => !a.me);
      others.sort((a, b) => Number(b.has_room) - Number(a.has_room) || a.display_name.localeCompare(b.display_name));
      clear(picker).append(el("option", { value: "", text: "The queue (a colleague claims it)" }),
        ...others.map((a) => el("option", { value: String(a.id), disabled: a.has_room ? null : true,
          text: `${a.display_name} · ${a.status}${a.status === "online" ? `, ${a.active}/${a.max_concurrent} open` : ""}`
            + (a.has_room ? "" : a.status === "online" ? " (can't take more)" : " (not online)") })));
      if ([...picker.options].some((o) => o.value === keep && !o.disabled)) picker.value = keep;
    };
    fill();
    picker.addEventListener("focus", async () => {
      const team = await this.actions.team();
      if (team) { this.team = team; fill(); }
    });
    const transfer = el("button", { type: "button", class: "btn", text: "Transfer" });
    transfer.addEventListener("click", run(transfer, () => this.actions.transfer(picker.value ? Number(picker.value) : null)));

    // Resolve asks first: it closes the conversation and asks the customer for a rating.
    const disposition = el("select", { id: "resolve-disposition" },
      DISPOSITIONS.map(([value, label]) => el("option", { value, text: label })));
    const resolve = el("button", { type: "button", class: "btn btn-primary", text: "Resolve" });
    const confirmRow = el("div", { class: "confirm-row", role: "group", "aria-label": "Confirm resolve", hidden: true });
    const yes = el("button", { type: "button", class: "btn btn-primary", text: "Yes, resolve" });
    const no = el("button", { type: "button", class: "btn", text: "Cancel" });
    confirmRow.append(el("span", { text: "Resolve this conversation and ask the customer for a rating?" }), yes, no);
    resolve.addEventListener("click", () => { confirmRow.hidden = false; resolve.hidden = true; yes.focus(); });
    no.addEventListener("click", () => { confirmRow.hidden = true; resolve.hidden = false; resolve.focus(); });
    yes.addEventListener("click", run(yes, () => this.actions.resolve(disposition.value)));
    return el("div", { class: "flow-controls" },
      el("h3", { text: "Conversation" }),
      el("div", { class: "flow-row" }, handBack),
      el("div", { class: "flow-row" },
        el("label", { for: "transfer-to", class: "visually-hidden", text: "Transfer to" }), picker, transfer),
      el("div", { class: "flow-row" },
        el("label", { for: "resolve-disposition", class: "visually-hidden", text: "Disposition" }), disposition, resolve),
      confirmRow,
      feedback);
  }
}
