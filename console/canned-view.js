/**
 * The team's canned replies, managed in a dialog: list, add, edit, delete. Every signed-in
 * agent may edit them; changes reach every console at once (`canned_replies`).
 */

import { clear, el } from "../shared/dom.js";

export class CannedManager {
  /**
   * @param {HTMLElement} host where the dialog lives
   * @param {{list: () => Promise<object>, save: (item: object) => Promise<object>,
   *   remove: (id: number) => Promise<object>, errorText: (ack: object) => string}} actions
   */
  constructor(host, actions) {
    this.actions = actions;
    this.items = [];
    this.editing = null;
    this.list = el("ul", { class: "canned-list", "aria-label": "Canned replies" });
    this.shortcut = el("input", { id: "canned-shortcut", required: true, maxlength: 33, autocomplete: "off",
      placeholder: "late", pattern: "/?[A-Za-z0-9][A-Za-z0-9_\\-]{0,31}" });
    this.title = el("input", { id: "canned-title", required: true, maxlength: 80, autocomplete: "off",
      placeholder: "Late delivery" });
    this.text = el("textarea", { id: "canned-text", required: true, rows: 4, maxlength: 2000 });
    this.saveButton = el("button", { type: "submit", class: "btn btn-primary", text: "Add reply" });
    this.cancelEdit = el("button", { type: "button", class: "btn btn-ghost btn-small", text: "Cancel editing",
      hidden: true, onclick: () => this.edit(null) });
    this.feedback = el("p", { class: "form-feedback", role: "alert" });
    this.form = el("form", { class: "canned-form" },
      el("div", { class: "field" }, el("label", { for: "canned-shortcut", text: "Shortcut (typed as /shortcut)" }), this.shortcut),
      el("div", { class: "field" }, el("label", { for: "canned-title", text: "Title" }), this.title),
      el("div", { class: "field" }, el("label", { for: "canned-text", text: "Reply" }), this.text),
      el("div", { class: "composer-row" }, this.cancelEdit, this.saveButton),
      this.feedback);
    this.form.addEventListener("submit", (event) => { event.preventDefault(); this._save(); });
    this.dialog = el("dialog", { class: "canned-dialog", id: "canned-dialog", "aria-labelledby": "canned-title-h" },
      el("div", { class: "canned-dialog-head" },
        el("h2", { id: "canned-title-h", text: "Canned replies" }),
        el("button", { type: "button", class: "btn btn-ghost btn-small", text: "Close", onclick: () => this.dialog.close() })),
      el("p", { class: "ctx-small", text: "Type /shortcut in the reply box to use one. {name} and {order} are filled in "
        + "from verified details only, and read well without them." }),
      this.list, el("h3", { class: "canned-form-title", text: "Add or edit a reply" }), this.form);
    host.append(this.dialog);
  }

  async open() {
    if (!this.dialog.open) this.dialog.showModal();
    const ack = await this.actions.list();
    if (ack.ok) this.setItems(ack.items || []);
    else this.feedback.textContent = this.actions.errorText(ack);
    this.shortcut.focus();
  }

  setItems(items) {
    this.items = items;
    clear(this.list);
    if (!items.length) this.list.append(el("li", { class: "ctx-small", text: "No canned replies yet." }));
    for (const item of items) {
      const remove = el("button", { type: "button", class: "btn btn-ghost btn-small", text: "Delete" });
      remove.addEventListener("click", async () => {
        if (remove.dataset.confirm !== "yes") { // a second click deletes
          remove.dataset.confirm = "yes";
          remove.textContent = "Confirm delete";
          return;
        }
        const ack = await this.actions.remove(item.id);
        this.feedback.textContent = ack.ok ? `/${item.shortcut} deleted.` : this.actions.errorText(ack);
        if (ack.ok) this.setItems(this.items.filter((i) => i.id !== item.id));
      });
      this.list.append(el("li", { class: "canned-item", dataset: { shortcut: item.shortcut } },
        el("div", { class: "canned-item-head" },
          el("span", { class: "canned-key", text: `/${item.shortcut}` }),
          el("strong", { text: item.title }),
          el("span", { class: "canned-item-actions" },
            el("button", { type: "button", class: "btn btn-ghost btn-small", text: "Edit", onclick: () => this.edit(item) }),
            remove)),
        el("p", { class: "canned-item-text", text: item.text })));
    }
  }

  /** Fill the form with `item` to change it, or clear it (null) to add a new one. */
  edit(item) {
    this.editing = item ? item.id : null;
    this.shortcut.value = item ? item.shortcut : "";
    this.title.value = item ? item.title : "";
    this.text.value = item ? item.text : "";
    this.saveButton.textContent = item ? "Save changes" : "Add reply";
    this.cancelEdit.hidden = !item;
    this.feedback.textContent = "";
    (item ? this.text : this.shortcut).focus();
  }

  async _save() {
    const body = { shortcut: this.shortcut.value, title: this.title.value, text: this.text.value };
    if (this.editing) body.id = this.editing;
    this.saveButton.disabled = true;
    const ack = await this.actions.save(body);
    this.saveButton.disabled = false;
    if (!ack.ok) { // nothing typed is lost
      this.feedback.textContent = this.actions.errorText(ack);
      return;
    }
    const saved = ack.item;
    this.setItems([...this.items.filter((i) => i.id !== saved.id), saved]
      .sort((a, b) => a.shortcut.localeCompare(b.shortcut)));
    this.edit(null);
    this.feedback.textContent = `/${saved.shortcut} saved.`;
  }
}
