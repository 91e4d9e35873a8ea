// The buyer chat page's pieces: a message (label, bubble, photos, the policy it cites) and an action card,
// built from what the API sends. Everything goes on the page as text, never as markup; a photo is
// shown only from an http(s) link, or, uploaded, from its bytes fetched with the buyer's token
// (common.js, mediaImage): its thumbnail, opening full size in a dialog. Times are the buyer's: common.js's formatDate in the browser's
// time zone (Intl), the clock alone for today, day and clock otherwise.
import { api, el, formatDate, isOwnMedia, mediaImage, money, showPhoto } from "./common.js";

const ACTION_TITLES = {
  cancel: "Order cancelled",
  refund: "Refund",
  return: "Return authorised",
  replacement: "Replacement",
  voucher: "Voucher",
};

export function normalRole(role) {
  if (role === "user" || role === "buyer") return "buyer";
  if (role === "agent" || role === "human") return "agent";
  if (role === "system") return "system";
  return "bot";
}

// What identifies a message on the page: a transcript read again matches it by this.
export function signature(message) {
  return `${normalRole(message.role)}\u0000${message.text || ""}`;
}

export function safeHttpUrl(value) {
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (_) {
    return null;
  }
}

function citationId(citation) {
  if (typeof citation === "string") return citation;
  if (citation && typeof citation === "object") return citation.clause_id || citation.id || null;
  return null;
}

// An uploaded photo: its thumbnail, a button that shows it full size.
export function uploadedPhoto(attachment) {
  const button = el("button", null, "photo-thumb");
  button.type = "button";
  button.title = "Show the photo full size";
  const thumb = isOwnMedia(attachment.thumbnail_url) ? attachment.thumbnail_url : attachment.url;
  button.append(mediaImage(thumb, "Attached photo"));
  button.addEventListener("click", () => showPhoto(attachment.url));
  return button;
}

// ---- citations: the policy's clauses by their titles, the clause's text on a tap -----------------
// A citation is shown by its clause's title (GET /v1/policies/clauses, once per page), never by
// its code; opening it fetches the clause's text (GET /v1/policies/clauses/{id}, once per clause).

const clauses = { titles: new Map(), texts: new Map(), loading: null };
const UNTITLED = "Our policy";

function clauseTitle(id) {
  return clauses.titles.get(id) || UNTITLED;
}

// Loads the titles once (again after a failure) and renames the citations already on the page.
export function loadClauseTitles(root = document) {
  if (!clauses.loading) {
    clauses.loading = api("GET", "/policies/clauses")
      .then((data) => (data.clauses || []).forEach((c) => clauses.titles.set(c.clause_id, c.title)))
      .catch((err) => { clauses.loading = null; throw err; });
  }
  return clauses.loading.then(() => {
    root.querySelectorAll(".citation summary[data-clause-id]").forEach((summary) => {
      summary.textContent = clauseTitle(summary.dataset.clauseId);
    });
  });
}

function fillClause(body, clause) {
  body.replaceChildren();
  String(clause.text || "").split(/\n\s*\n/).forEach((paragraph) => body.append(el("p", paragraph)));
}

async function openClause(id, body) {
  if (clauses.texts.has(id)) { fillClause(body, clauses.texts.get(id)); return; }
  body.replaceChildren(el("p", "Loading…", "muted"));
  try {
    const clause = await api("GET", "/policies/clauses/" + encodeURIComponent(id));
    clauses.texts.set(id, clause);
    if (clause.title) clauses.titles.set(id, clause.title);
    fillClause(body, clause);
  } catch (_) {
    body.replaceChildren(el("p", "This part of the policy could not be loaded. Tap again to retry.", "muted"));
    body.parentElement.open = false;
  }
}

function renderCitation(id) {
  const li = el("li", null, "citation");
  const details = el("details");
  const summary = el("summary", clauseTitle(id), "chip");
  summary.dataset.clauseId = id;
  const body = el("div", null, "clause-text");
  details.append(summary, body);
  details.addEventListener("toggle", () => { if (details.open) openClause(id, body); });
  li.append(details);
  return li;
}

function renderAttachment(attachment) {
  const li = el("li", null, "attachment");
  if (attachment && isOwnMedia(attachment.url)) {
    li.append(uploadedPhoto(attachment));
    return li;
  }
  const url = safeHttpUrl(attachment && attachment.url);
  if (!url) {
    li.textContent = "Attached photo (link not shown)";
    return li;
  }
  const link = el("a");
  link.href = url;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  const img = el("img");
  img.src = url;
  img.alt = "Attached photo";
  img.loading = "lazy";
  img.referrerPolicy = "no-referrer";
  img.addEventListener("error", () => {
    img.remove();
    link.classList.add("broken");
  });
  link.append(img, el("span", url, "attachment-url"));
  li.append(link);
  return li;
}

function label(message, role) {
  if (role === "buyer") return el("div", "You", "msg-label sr-only");
  if (role === "system") return el("div", "Notice", "msg-label sr-only");
  if (role === "agent") {
    const name = message.agent_name || message.author_name;
    return el("div", name ? `Agent · ${name}` : "Agent", "msg-label");
  }
  return el("div", "Assistant", "msg-label");
}

// The browser's time zone (e.g. "Asia/Singapore"), named in each time's tooltip.
export function localTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  } catch (_) {
    return "local time";
  }
}

function sameLocalDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate();
}

// A <time> for an ISO 8601 moment, in the buyer's time zone; null without a valid one.
export function messageTime(value, now = new Date()) {
  const moment = value ? new Date(value) : null;
  if (!moment || Number.isNaN(moment.getTime())) return null;
  const node = el("time", formatDate(moment, { date: !sameLocalDay(moment, now) }), "msg-time");
  node.dateTime = moment.toISOString();
  node.title = `${formatDate(moment)} (${localTimeZone()})`;
  return node;
}

export function buildMessage(message, options = {}) {
  const role = normalRole(message.role);
  const li = el("li", null, `msg msg-${role}`);
  if (options.pending) li.classList.add("pending");
  li.append(label(message, role));

  const bubble = el("div", null, "bubble");
  if (message.text) bubble.append(el("p", message.text, "text"));
  const attachments = Array.isArray(message.attachments) ? message.attachments : [];
  if (attachments.length) {
    const list = el("ul", null, "attachments");
    list.setAttribute("aria-label", "Attached photos");
    attachments.forEach((a) => list.append(renderAttachment(a)));
    bubble.append(list);
  }
  li.append(bubble);

  const citations = (Array.isArray(message.citations) ? message.citations : [])
    .map(citationId)
    .filter(Boolean);
  if (citations.length) {
    const list = el("ul", null, "citations");
    list.setAttribute("aria-label", "Policy clauses");
    citations.forEach((id) => list.append(renderCitation(id)));
    li.append(list);
  }

  const time = messageTime(message.created_at);
  if (time) li.append(time);
  if (options.pending) li.append(el("div", "Sending…", "msg-note"));
  return li;
}

export function fillActionCard(card, action) {
  card.replaceChildren();
  const title = el("div", ACTION_TITLES[action.type] || action.type || "Action", "action-title");
  const status = el("span", action.status || "pending",
    `action-status status-${String(action.status || "").replace(/[^a-z_]/gi, "")}`);
  title.append(" ", status);
  card.append(title);

  const amount = action.amount === null || action.amount === undefined || action.amount === ""
    ? null : money(action.amount, action.currency);
  const rows = [["Type", action.type], ["Amount", amount], ["Order", action.order_id]];
  const dl = el("dl");
  rows.forEach(([name, value]) => {
    if (value === null || value === undefined || value === "") return;
    dl.append(el("dt", name), el("dd", value));
  });
  card.append(dl);
}
