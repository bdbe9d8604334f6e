/**
 * The customer context panel: profile, orders with a status timeline, subscriptions and
 * charges, earlier conversations and resolutions already granted
 * (`store.queries.customer_context`, delivered in the conversation view).
 */

import { clear, el, money, parseTime } from "../shared/dom.js";

function shortDate(value) {
  const time = parseTime(value);
  if (Number.isNaN(time)) return "";
  return new Date(time).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

function day(value) {
  const time = parseTime(value);
  if (Number.isNaN(time)) return "";
  return new Date(time).toLocaleDateString([], { month: "short", day: "numeric" });
}

function section(title, ...children) {
  return el("section", { class: "ctx-section" }, el("h3", { text: title }), ...children);
}

function profileBlock(profile) {
  const facts = [
    ["E-mail", profile.email],
    ["Tier", profile.tier],
    ["Lifetime value", money(profile.lifetime_value)],
    ["Customer since", day(profile.customer_since)],
  ];
  if (profile.account_locked) facts.push(["Account", `locked (${profile.failed_logins} failed sign-ins)`]);
  return el("div", { class: "ctx-profile" },
    el("p", { class: "ctx-name" }, el("strong", { text: profile.name || "Customer" }),
      profile.tier && profile.tier !== "standard" ? el("span", { class: "badge badge-tier", text: profile.tier.toUpperCase() }) : null),
    el("dl", {}, facts.filter(([, v]) => v).flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v) })])),
    profile.notes ? el("p", { class: "ctx-notes", text: `Notes: ${profile.notes}` }) : null);
}

function orderBlock(order) {
  const late = order.days_late > 0 ? el("span", { class: "badge badge-elevated", text: `${order.days_late} d late` }) : null;
  const items = (order.items || []).map((item) => {
    const flag = item.condition && item.condition !== "ok"
      ? ` — ${item.condition}${item.received_instead ? `: got ${item.received_instead}` : ""}` : "";
    return el("li", { text: `${item.quantity} × ${item.name} (${money(item.unit_price, order.currency)})${flag}` });
  });
  const timeline = (order.timeline || []).map((event) => el("li", { class: `tl-${event.kind || "event"} tl-status-${event.status || ""}` },
    el("time", { text: shortDate(event.at) }),
    el("span", { text: `${event.text}${event.location ? ` — ${event.location}` : ""}` })));
  const details = [
    `${order.shipping_method || "standard"} shipping${order.shipping_paid ? ` (paid ${money(order.shipping_paid, order.currency)})` : ""}`,
    order.promised_date ? `promised ${day(order.promised_date)}` : null,
    order.is_gift ? `gift${order.occasion ? `: ${order.occasion}` : ""}` : null,
  ].filter(Boolean).join(" · ");
  return el("details", { class: "ctx-order", open: order.days_late > 0 || order.status === "delayed" || null },
    el("summary", {},
      el("span", { class: "order-number", text: `#${order.number}` }),
      el("span", { class: `status status-${order.status}`, text: order.status.replace(/_/g, " ") }),
      late,
      el("span", { class: "order-total", text: money(order.total, order.currency) })),
    el("p", { class: "ctx-small", text: details }),
    order.carrier_status ? el("p", { class: "ctx-small", text: `${order.carrier || "Carrier"}: ${order.carrier_status}` }) : null,
    items.length ? el("ul", { class: "ctx-items" }, items) : null,
    timeline.length ? el("ol", { class: "timeline", "aria-label": `Timeline of order ${order.number}` }, timeline) : null);
}

/**
 * Fill `root` with the customer's context.
 * @param {HTMLElement} root
 * @param {?object} context `customer_context` or null for an anonymous visitor
 */
export function renderContext(root, context) {
  clear(root);
  if (!context || !context.profile) {
    root.append(el("p", { class: "ctx-empty", text: "Anonymous visitor: not signed in, so there is no order history. Ask for an order number and e-mail if you need one." }));
    return;
  }
  root.append(section("Customer", profileBlock(context.profile)));
  if (context.pressing_issue && context.pressing_issue.text) {
    root.append(el("p", { class: "ctx-pressing", text: `Most pressing: ${context.pressing_issue.text}` }));
  }
  const orders = context.orders || [];
  root.append(section(`Orders (${orders.length})`,
    orders.length ? el("div", { class: "ctx-orders" }, orders.map(orderBlock)) : el("p", { class: "ctx-small", text: "No orders." })));
  const subscriptions = context.subscriptions || [];
  const charges = (context.charges || []).slice(0, 6);
  if (subscriptions.length || charges.length) {
    root.append(section("Billing",
      subscriptions.length ? el("ul", { class: "ctx-list" }, subscriptions.map((s) =>
        el("li", { text: `${s.plan} — ${money(s.price)}/month, ${s.status}` }))) : null,
      charges.length ? el("ul", { class: "ctx-list" }, charges.map((c) =>
        el("li", { class: c.duplicate ? "dup" : "" , text: `${day(c.created_at)} ${money(c.amount, c.currency)} — ${c.description} (${c.status}${c.duplicate ? ", duplicate" : ""})` }))) : null));
  }
  const resolutions = context.resolutions || [];
  root.append(section("Resolutions granted",
    resolutions.length ? el("ul", { class: "ctx-list ctx-resolutions" }, resolutions.map((r) =>
      el("li", { text: `${day(r.created_at)} ${r.order ? `#${r.order} ` : ""}${r.text}` })))
      : el("p", { class: "ctx-small", text: "None yet." })));
  const conversations = context.conversations || [];
  root.append(section("Earlier conversations",
    conversations.length ? el("ul", { class: "ctx-list" }, conversations.map((c) =>
      el("li", { text: `${day(c.created_at)} — ${c.status}${c.disposition ? `, ${c.disposition}` : ""}${c.csat ? `, CSAT ${c.csat}/5` : ""}` })))
      : el("p", { class: "ctx-small", text: "This is their first conversation." })));
}
