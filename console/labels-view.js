/**
 * Labels on the open conversation: chips with a remove button and a small "add label" field
 * (suggesting the labels the team already uses). Any agent may label any conversation.
 */

import { clear, el } from "../shared/dom.js";
import { labelChips } from "./queue-view.js";

/**
 * @param {HTMLElement} root
 * @param {object} view the conversation view (`id`, `labels`)
 * @param {string[]} known labels in use (suggestions)
 * @param {{add: (label: string) => Promise<?string>, remove: (label: string) => Promise<?string>}} actions
 */
export function renderLabels(root, view, known, actions) {
  const feedback = el("span", { class: "form-feedback", role: "alert" });
  const input = el("input", { id: "label-input", type: "text", maxlength: 40, list: "label-suggestions",
    placeholder: "Add a label", autocomplete: "off" });
  const suggestions = el("datalist", { id: "label-suggestions" },
    (known || []).filter((l) => !(view.labels || []).includes(l)).map((l) => el("option", { value: l })));
  const report = async (work) => {
    feedback.textContent = "";
    const error = await work;
    if (error) feedback.textContent = error;
  };
  const form = el("form", { class: "label-form" },
    el("label", { for: "label-input", class: "visually-hidden", text: "Add a label" }), input, suggestions,
    el("button", { type: "submit", class: "btn btn-tiny", text: "Add label" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const label = input.value.trim();
    if (!label) return;
    input.value = "";
    report(actions.add(label));
  });
  clear(root).append(el("span", { class: "labels-title", text: "Labels:" }),
    el("span", { class: "labels-list" }, labelChips(view.labels, (label) => report(actions.remove(label)))),
    form, feedback);
}
