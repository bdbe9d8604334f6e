/**
 * The widget's two small forms: the follow-up offer (no agent online) and CSAT stars.
 */

import { el } from "../shared/dom.js";

let formCount = 0;

/**
 * The follow-up offer when no one is online: "E-mail me when someone can help" (to the address
 * the conversation knows; only an anonymous visitor is asked to type one) or "Continue with the
 * assistant".
 * @param {{onSubmit: (email: ?string) => Promise<object>, onContinue: () => Promise<object>}} handlers
 */
export function followUpForm({ onSubmit, onContinue }) {
  const feedback = el("p", { class: "sw-form-feedback", role: "alert" });
  const stay = el("button", { type: "button", class: "sw-button", text: "Continue with the assistant" });
  const mail = emailRequest({
    label: "E-mail follow-up",
    buttonText: "E-mail me when someone can help",
    inputLabel: "Your e-mail for our reply",
    send: onSubmit,
    done: (ack) => `Thanks — we'll reply to ${ack.reply_to}.`,
  });
  const form = el("div", { class: "sw-followup", role: "group", "aria-label": "Follow-up by e-mail" }, mail, stay, feedback);
  stay.addEventListener("click", async () => {
    stay.disabled = true;
    const ack = await onContinue();
    stay.disabled = false;
    if (ack.ok === false) feedback.textContent = ack.message || "That didn't work. Please try again.";
  });
  return form;
}

/**
 * Five stars (radio buttons, so arrow keys work) and a send button.
 * @param {{onRate: (rating: number) => Promise<object>}} handlers
 */
export function ratingForm({ onRate }) {
  formCount += 1;
  const name = `sw-rating-${formCount}`;
  const stars = [1, 2, 3, 4, 5].map((value) => {
    const id = `${name}-${value}`;
    return el(
      "span",
      { class: "sw-star" },
      el("input", { type: "radio", name, id, value, class: "sw-visually-hidden", "aria-label": `${value} star${value === 1 ? "" : "s"}` }),
      el("label", { for: id, title: `${value} of 5`, "aria-hidden": "true" }, "★"),
    );
  });
  const feedback = el("p", { class: "sw-form-feedback", role: "alert" });
  const submit = el("button", { type: "submit", class: "sw-button sw-button-primary", text: "Send rating" });
  const form = el(
    "form",
    { class: "sw-rating", "aria-label": "Rate this conversation" },
    el("fieldset", {}, el("legend", { text: "How did we do?" }), el("div", { class: "sw-stars" }, stars)),
    submit,
    feedback,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = form.querySelector("input[type=radio]:checked");
    if (!checked) {
      feedback.textContent = "Pick one to five stars first.";
      return;
    }
    submit.disabled = true;
    const ack = await onRate(Number(checked.value));
    submit.disabled = false;
    if (ack.ok === false) feedback.textContent = ack.message || "We couldn't save your rating. Please try again.";
    else form.replaceChildren(el("p", { class: "sw-form-done", text: "Thank you for telling us." }));
  });
  return form;
}

/**
 * Something we send by e-mail (the transcript, "tell me when they reply"). It is first asked
 * for without an address: a signed-in or verified customer is never made to type the one we
 * know. Only when the server answers `email_required` does a field appear.
 * @param {{buttonText?: string, inputLabel: string, send: (email: ?string) => Promise<object>,
 *   done: (ack: object) => string, label: string}} options without `buttonText` it starts at once
 */
export function emailRequest({ buttonText, inputLabel, send, done, label }) {
  formCount += 1;
  const inputId = `sw-mail-${formCount}`;
  const feedback = el("p", { class: "sw-form-feedback", role: "alert" });
  const box = el("div", { class: "sw-mail", role: "group", "aria-label": label });

  const finish = (ack) => {
    if (ack.ok !== false) {
      box.replaceChildren(el("p", { class: "sw-form-done", role: "status", text: done(ack) }));
      return true;
    }
    feedback.textContent = ack.message || "That didn't work. Please try again.";
    return false;
  };

  const askForAddress = () => {
    const input = el("input", {
      id: inputId, type: "email", name: "email", required: true, autocomplete: "email",
      placeholder: "you@example.com", maxlength: 254,
    });
    const submit = el("button", { type: "submit", class: "sw-button sw-button-primary", text: "Send" });
    const form = el("form", { class: "sw-followup", novalidate: true },
      el("label", { for: inputId, text: inputLabel }), el("div", { class: "sw-followup-row" }, input, submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const email = input.value.trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
        feedback.textContent = "That e-mail doesn't look complete — could you check it?";
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      input.removeAttribute("aria-invalid");
      submit.disabled = true;
      const ack = await send(email);
      submit.disabled = false;
      finish(ack);
    });
    box.replaceChildren(form, feedback);
    input.focus();
  };

  const start = async (trigger) => {
    if (trigger) trigger.disabled = true;
    const ack = await send(null);
    if (trigger) trigger.disabled = false;
    if (ack.ok === false && ack.code === "email_required") askForAddress();
    else finish(ack);
  };

  if (buttonText) {
    const trigger = el("button", { type: "button", class: "sw-button", text: buttonText });
    trigger.addEventListener("click", () => start(trigger));
    box.append(trigger, feedback);
  } else {
    box.append(feedback);
    start(null);
  }
  return box;
}
