/**
 * Demo shop page: choose who you are, fetch a signed identity token for that demo
 * customer (standing in for the shop's back end) and (re)start the widget.
 *
 * The choice survives a reload (localStorage); `?as=<e-mail>` preselects a customer.
 * The page's sign-in box (every password fails) and checkout (the test card
 * 4000 0000 0000 0002 is declined) report struggle signals through the chat (struggle.js),
 * as do rage clicks and lingering on the help section.
 */

import { el } from "../shared/dom.js";
import { failures, watchDwell, watchRageClicks } from "./struggle.js";
import { mount } from "./widget.js";

const CHOICE_KEY = "support-demo:chat-as";
const container = document.getElementById("support-chat");
const select = document.getElementById("chat-as");
const state = document.getElementById("demo-state");
const DECLINED_CARD = "4000000000000002";
let current = null; // the mounted widget: {client, view}

/** Send a struggle signal through the chat (dropped quietly while the chat is offline). */
function report(signal, count, context) {
  if (current) current.client.struggle(signal, count, { ...context, page: location.pathname });
}

function showState(node, text, kind) {
  node.textContent = text;
  node.dataset.state = kind;
}

function wireDemoForms() {
  const signInFailed = failures(report, "login_failed", { form: "sign-in" });
  const signIn = document.getElementById("sign-in-form");
  signIn.addEventListener("submit", (event) => {
    event.preventDefault();
    const password = document.getElementById("sign-in-password");
    password.value = "";
    const count = signInFailed();
    showState(document.getElementById("sign-in-state"),
      `That e-mail and password don't match (demo: every password fails; attempt ${count}).`, "error");
  });

  const paymentFailed = failures(report, "payment_error", { form: "checkout" });
  const checkout = document.getElementById("checkout-form");
  checkout.addEventListener("submit", (event) => {
    event.preventDefault();
    const card = document.getElementById("card-number").value.replace(/\D/g, "");
    const result = document.getElementById("checkout-state");
    if (card === DECLINED_CARD) {
      const count = paymentFailed();
      showState(result, `Your card was declined (demo; attempt ${count}). Nothing was charged.`, "error");
    } else {
      showState(result, "Order placed (demo: nothing was charged).", "ok");
    }
  });

  watchRageClicks(document, report);
  watchDwell(document.getElementById("help"), report);
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body && body.error && body.error.message;
    throw new Error(message || `${response.status} ${response.statusText}`);
  }
  return body;
}

async function loadCustomers() {
  try {
    const customers = await getJson("/api/demo/customers");
    for (const customer of customers) {
      const tier = customer.tier && customer.tier !== "standard" ? ` (${customer.tier})` : "";
      select.append(el("option", { value: String(customer.id), dataset: { email: customer.email }, text: `${customer.name}${tier}` }));
    }
  } catch (error) {
    state.textContent = `Couldn't load the demo customers (${error.message}); chatting anonymously.`;
  }
}

function initialChoice() {
  const wanted = new URLSearchParams(location.search).get("as");
  if (wanted) {
    const option = [...select.options].find((o) => o.dataset.email === wanted.toLowerCase());
    if (option) return option.value;
  }
  const stored = localStorage.getItem(CHOICE_KEY) || "";
  return [...select.options].some((o) => o.value === stored) ? stored : "";
}

async function start(customerId) {
  localStorage.setItem(CHOICE_KEY, customerId);
  if (!customerId) {
    state.textContent = "Chatting as an anonymous visitor.";
    current = await mount(container, { sessionKey: "visitor", title: container.dataset.title });
    return;
  }
  state.textContent = "Signing in…";
  try {
    const { token, customer } = await getJson(`/api/demo/identity/${encodeURIComponent(customerId)}`);
    state.textContent = `Chatting as ${customer && customer.name ? customer.name : "a signed-in customer"}.`;
    current = await mount(container, { identityToken: token, sessionKey: `customer-${customerId}`, title: container.dataset.title });
  } catch (error) {
    state.textContent = `Couldn't sign in as that customer (${error.message}).`;
  }
}

select.addEventListener("change", () => start(select.value));
document.getElementById("chat-as-form").addEventListener("submit", (event) => event.preventDefault());

wireDemoForms();
await loadCustomers();
select.value = initialChoice();
await start(select.value);
