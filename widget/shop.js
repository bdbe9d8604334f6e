/**
 * Demo shop page: choose who you are, fetch a signed identity token for that demo
 * customer (standing in for the shop's back end) and (re)start the widget.
 *
 * The choice survives a reload (localStorage); `?as=<e-mail>` preselects a customer.
 */

import { el } from "../shared/dom.js";
import { mount } from "./widget.js";

const CHOICE_KEY = "support-demo:chat-as";
const container = document.getElementById("support-chat");
const select = document.getElementById("chat-as");
const state = document.getElementById("demo-state");

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
    await mount(container, { sessionKey: "visitor", title: container.dataset.title });
    return;
  }
  state.textContent = "Signing in…";
  try {
    const { token, customer } = await getJson(`/api/demo/identity/${encodeURIComponent(customerId)}`);
    state.textContent = `Chatting as ${customer && customer.name ? customer.name : "a signed-in customer"}.`;
    await mount(container, { identityToken: token, sessionKey: `customer-${customerId}`, title: container.dataset.title });
  } catch (error) {
    state.textContent = `Couldn't sign in as that customer (${error.message}).`;
  }
}

select.addEventListener("change", () => start(select.value));
document.getElementById("chat-as-form").addEventListener("submit", (event) => event.preventDefault());

await loadCustomers();
select.value = initialChoice();
await start(select.value);
