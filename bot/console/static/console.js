// The agent console: the queue, one case, suggestions, replies and actions. Vanilla JS, no
// dependencies; talks to the agent API of the contract on the same origin through common.js.
// Every value from the server is written with textContent (never innerHTML).
import {
  api, el, errorBanner, formatDate, idempotencyKey, isOwnMedia, mediaImage, money, showPhoto,
  signInPanel, whenRefused,
} from "./common.js";

const TOKEN_KEY = "aftersales.console.token";
const POLL_MS = 2500;
const MONEY = ["cancel", "refund", "return", "replacement", "voucher"];
const LABEL = {
  cancel: "cancel", refund: "refund", return: "return", replacement: "replacement",
  voucher: "voucher", deny: "deny", request_evidence: "ask for evidence", investigate: "investigate",
};

const $ = (id) => document.getElementById(id);
const els = {
  console: $("console"),
  queue: $("queue"), queueEmpty: $("queue-empty"), queueCount: $("queue-count"),
  queueUpdated: $("queue-updated"),
  fIntent: $("filter-intent"), fRegion: $("filter-region"), fStatus: $("filter-status"),
  search: $("queue-search"), queueNoMatch: $("queue-no-match"),
  casePane: $("case"), noCase: $("no-case"), caseTitle: $("case-title"), caseSubtitle: $("case-subtitle"),
  suggestions: $("suggestions"), suggestionsEmpty: $("suggestions-empty"),
  replyForm: $("reply-form"), replyInput: $("reply-input"),
  actionForm: $("action-form"), actionType: $("action-type"), actionAmount: $("action-amount"),
  actionReason: $("action-reason"), actionOverride: $("action-override"),
  actionPolicy: $("action-policy"), actionResult: $("action-result"),
  transcript: $("transcript"), eligibility: $("eligibility"), risk: $("risk"),
  responsibility: $("responsibility"), order: $("order"), buyer: $("buyer"), trace: $("trace"),
  audit: $("audit"), handBack: $("hand-back"), closeCase: $("close-case"),
  closeConfirm: $("close-confirm"), closeYes: $("close-confirm-yes"), closeNo: $("close-confirm-no"),
  disputeCard: $("dispute-card"), disputeFacts: $("dispute-facts"),
  disputeBuyer: $("dispute-buyer"), disputeSeller: $("dispute-seller"),
  decideForm: $("decide-form"), decideOutcome: $("decide-outcome"), decideAmount: $("decide-amount"),
  decideResponsible: $("decide-responsible"), decideReason: $("decide-reason"),
  decideResult: $("decide-result"),
};
// A dispute an agent decides: the seller has answered (contested or offered).
const DECIDABLE = ["seller_contested", "seller_offered"];

const state = {
  cases: [], caseId: null, view: null, lastSeq: 0, pollTimer: null,
  intents: new Set(), regions: new Set(), busy: false,
  formCaseId: null, // the case the action form was last filled from
  rows: new Map(), // case id -> its <li> in the queue, kept across redraws (see renderQueue)
  pressing: false, // a pointer is down on the queue: its redraw waits (see renderQueue)
  redrawPending: false,
  pressedAt: 0,
  queueTicket: 0,
  clauses: new Map(), // clause id -> title, from GET /v1/policies/clauses
};
const SEARCH_DELAY_MS = 300;
const PRESS_MS = 5000;

// ---- helpers ---------------------------------------------------------------------------------

function facts(pairs) {
  const dl = el("dl", null, "facts");
  pairs.forEach(([k, v]) => {
    if (v === undefined) return;
    dl.append(el("dt", k), el("dd", v === null || v === "" ? "—" : v));
  });
  return dl;
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(Math.abs(seconds)));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return (h ? h + ":" + two(m) : String(m)) + ":" + two(r);
}

// ---- sign in (the dashboard's token too: same storage key) -------------------------------------

const errors = errorBanner();
const panel = signInPanel({
  storageKey: TOKEN_KEY,
  main: els.console,
  defaultName: "agent",
  onSignIn: () => refresh(),
  onSignOut: (message) => {
    stopPolling();
    if (message) errors.show(message);
  },
});
whenRefused((err) => panel.signOut(err.status === 403
  ? "This page needs an agent token (role agent)."
  : "Your token was refused; paste a new one."));

// ---- queue -------------------------------------------------------------------------------------

function queueQuery() {
  const params = new URLSearchParams();
  if (els.fIntent.value) params.set("intent", els.fIntent.value);
  if (els.fRegion.value) params.set("region", els.fRegion.value);
  if (els.fStatus.value) params.set("status", els.fStatus.value);
  const q = els.search.value.trim();
  if (q) params.set("q", q);
  const query = params.toString();
  return query ? "?" + query : "";
}

function addOptions(select, known, values) {
  values.forEach((v) => {
    if (!v || known.has(v)) return;
    known.add(v);
    // append() returns undefined: set the value on the option itself (issue 15's red banner).
    const option = el("option", v.replace(/_/g, " "));
    option.value = v;
    select.append(option);
  });
}

async function loadQueue() {
  // Typing a search sends a request per pause: only the latest one's answer is drawn.
  const ticket = ++state.queueTicket;
  const data = await api("GET", "/agent/queue" + queueQuery());
  if (ticket !== state.queueTicket) return;
  state.cases = data.cases || [];
  state.loadedAt = Date.now();
  addOptions(els.fIntent, state.intents, state.cases.map((c) => c.intent));
  addOptions(els.fRegion, state.regions, state.cases.map((c) => c.region));
  renderQueue();
}

// The queue is redrawn on every poll. A row's element is kept for as long as its case is listed
// (only its contents change, and only when they do), clicks are handled once on the list, and a
// redraw waits while a pointer is down on it: issue 15's click that did nothing had its button
// replaced between mousedown and mouseup, and a click needs both on the same element.
function renderQueue() {
  // A press longer than PRESS_MS is no click (or its release was missed): redraw anyway.
  if (state.pressing && Date.now() - state.pressedAt < PRESS_MS) { state.redrawPending = true; return; }
  state.pressing = false;
  state.redrawPending = false;
  const searching = Boolean(els.search.value.trim());
  els.queueCount.textContent = "(" + state.cases.length + ")";
  els.queueEmpty.hidden = state.cases.length > 0 || searching;
  els.queueNoMatch.hidden = state.cases.length > 0 || !searching;
  const listed = new Set(state.cases.map((c) => c.case_id));
  state.rows.forEach((li, caseId) => {
    if (!listed.has(caseId)) { li.remove(); state.rows.delete(caseId); }
  });
  state.cases.forEach((c, i) => {
    let li = state.rows.get(c.case_id);
    if (!li) {
      li = el("li");
      const button = el("button");
      button.type = "button";
      button.dataset.caseId = c.case_id;
      li.append(button);
      state.rows.set(c.case_id, li);
    }
    fillRow(li.firstElementChild, c, i);
    // Moved only when out of place: a row that stays put is never detached.
    if (els.queue.children[i] !== li) els.queue.insertBefore(li, els.queue.children[i] || null);
  });
  tickSla();
}

function fillRow(button, c, i) {
  const label = "Case " + (i + 1) + ": " + c.intent.replace(/_/g, " ") + (c.order_id ? ", order " + c.order_id : "");
  if (button.getAttribute("aria-label") !== label) button.setAttribute("aria-label", label);
  if (c.case_id === state.caseId) button.setAttribute("aria-current", "true");
  else button.removeAttribute("aria-current");
  const content = JSON.stringify([c.intent, c.priority, c.order_id, c.buyer_id, c.region, c.amount,
    c.currency, c.status, c.case_status, c.reasons, c.sla_due_at, c.match, c.language]);
  if (button.dataset.content === content) return;
  button.dataset.content = content;
  const top = el("span", null, "line");
  top.append(el("span", c.intent.replace(/_/g, " ")), el("span", "P" + c.priority, "priority"));
  const mid = el("span", null, "line");
  mid.append(
    el("span", (c.order_id || "no order") + " · " + c.buyer_id + (c.region ? " · " + c.region : "")),
    el("span", c.amount ? money(c.amount, c.currency) : "")
  );
  const bottom = el("span", null, "line");
  const badges = el("span");
  badges.append(el("span", (c.status || "new").replace(/_/g, " "), "badge " + (c.status || "new")));
  if (c.case_status === "in_dispute") badges.append(el("span", "awaiting seller", "badge in-dispute"));
  if (c.language) badges.append(languageBadge(c.language));
  (c.reasons || []).slice(0, 2).forEach((r) => badges.append(el("span", r.replace(/_/g, " "), "badge")));
  const sla = el("span", "", "sla");
  sla.dataset.due = c.sla_due_at;
  bottom.append(badges, sla);
  button.replaceChildren(top, mid, bottom);
  if (c.match) button.append(el("span", "“" + c.match + "”", "match"));
}

// The buyer's language (issue 16): its code, with the language's English name to hover.
const LANGUAGE_NAMES = { en: "English", ms: "Malay", id: "Indonesian", th: "Thai", vi: "Vietnamese", tl: "Tagalog" };

function languageBadge(code) {
  const badge = el("span", code.toUpperCase(), "badge lang");
  badge.title = "Buyer writes in " + (LANGUAGE_NAMES[code] || code) + (LANGUAGE_NAMES[code] ? "" : " (the bot replies in English)");
  badge.setAttribute("aria-label", "language: " + (LANGUAGE_NAMES[code] || code));
  return badge;
}

function pressRelease() {
  if (!state.pressing) return;
  state.pressing = false;
  // After the click that this release makes has run.
  if (state.redrawPending) setTimeout(renderQueue, 0);
}

function tickSla() {
  const now = Date.now();
  els.queue.querySelectorAll(".sla").forEach((node) => {
    const due = Date.parse(node.dataset.due);
    if (Number.isNaN(due)) return;
    const left = (due - now) / 1000;
    node.textContent = left >= 0 ? "SLA " + clock(left) : "SLA over by " + clock(-left);
    node.classList.toggle("breached", left < 0);
  });
  if (state.loadedAt) els.queueUpdated.textContent = "updated " + formatDate(state.loadedAt, { date: false, seconds: true });
}

// ---- one case ----------------------------------------------------------------------------------

async function openCase(caseId) {
  state.caseId = caseId;
  state.lastSeq = -1;
  askToClose(false);
  resetActionForm();
  state.pressing = false;
  renderQueue();
  await loadCase(true);
}

// The action form belongs to one case: emptied when a case opens, then filled once from that case
// (what the rules grant, or nothing: no amount and no action chosen), never from the case before
// (issue 15: a case without an order kept the previous case's 79.00 and Deny). Polls leave the
// agent's edits alone.
function resetActionForm() {
  state.formCaseId = null;
  els.actionType.value = "";
  els.actionAmount.value = "";
  els.actionReason.value = "";
  els.actionOverride.checked = false;
  els.actionPolicy.textContent = "";
  els.actionResult.className = "result";
  els.actionResult.textContent = "";
}

function fillActionForm(v) {
  state.formCaseId = v.case_id;
  const policy = v.allowed_actions || {};
  if (policy.policy_action && MONEY.includes(policy.policy_action)) {
    els.actionType.value = policy.policy_action;
    els.actionAmount.value = policy.policy_amount === null || policy.policy_amount === undefined
      ? "" : Number(policy.policy_amount).toFixed(2);
  }
}

async function loadCase(withSuggestions) {
  if (!state.caseId) return;
  const caseId = state.caseId;
  const view = await api("GET", "/agent/cases/" + encodeURIComponent(caseId));
  if (caseId !== state.caseId) return;
  const last = view.transcript.length ? view.transcript[view.transcript.length - 1].seq : 0;
  const changed = last !== state.lastSeq;
  state.view = view;
  renderCase(view, changed);
  if (withSuggestions || (changed && state.lastSeq !== -1)) await loadSuggestions();
  state.lastSeq = last;
}

async function loadSuggestions() {
  const caseId = state.caseId;
  const data = await api("GET", "/agent/cases/" + encodeURIComponent(caseId) + "/suggestions");
  if (caseId !== state.caseId) return;
  renderSuggestions(data.suggestions || []);
}

function renderCase(v, transcriptChanged) {
  els.noCase.hidden = true;
  els.casePane.hidden = false;
  els.caseTitle.textContent = v.intent.replace(/_/g, " ") + (v.order_id ? " · order " + v.order_id : "");
  els.caseSubtitle.textContent = "Case " + v.case_id + " · buyer " + v.buyer_id + (v.region ? " (" + v.region + ")" : "") +
    " · " + v.status.replace(/_/g, " ") + " · waiting since " + formatDate(v.waiting_since);
  if (v.language) els.caseSubtitle.append(" ", languageBadge(v.language));
  if (transcriptChanged) renderTranscript(v.transcript);
  renderEligibility(v);
  renderRisk(v);
  renderResponsibility(v.responsibility);
  renderOrder(v.order);
  renderBuyer(v.buyer);
  renderTrace(v);
  renderAudit(v.audit || [], v.order && v.order.currency);
  renderDispute(v.dispute);
  const policy = v.allowed_actions || {};
  els.actionPolicy.textContent = policy.policy_action
    ? "The rules grant: " + policy.policy_action + " of " + money(policy.policy_amount, v.order && v.order.currency) + ". Anything else needs an override and a reason."
    : "The rules grant no money action on this case: any money action needs an override and a reason.";
  if (state.formCaseId !== v.case_id) fillActionForm(v);
}

// The dispute: where it stands and both sides' statements side by side (issue 18).
function renderDispute(d) {
  els.disputeCard.hidden = !d;
  if (!d) return;
  const offer = d.offer
    ? (d.offer.type === "replacement" ? "a replacement" : "refund of " + money(d.offer.amount, d.currency))
    : null;
  els.disputeFacts.replaceChildren(facts([
    ["Status", d.status.replace(/_/g, " ")],
    ["Disputed", money(d.amount, d.currency)],
    ["Seller", d.seller_id],
    ["Seller answers by", formatDate(d.respond_by)],
    ["Seller's offer", offer],
  ]));
  renderStatements(els.disputeBuyer, (d.statements || {}).buyer || []);
  renderStatements(els.disputeSeller, (d.statements || {}).seller || []);
  els.decideForm.hidden = !DECIDABLE.includes(d.status);
}

function renderStatements(list, statements) {
  list.replaceChildren();
  if (!statements.length) { list.append(el("li", "Nothing said yet.", "muted")); return; }
  statements.forEach((s) => {
    const li = el("li");
    li.append(el("span", formatDate(s.at) + " · " + s.by + ": ", "muted small"), el("span", s.statement));
    (s.attachments || []).forEach((a) => {
      const link = el("a", "evidence");
      link.href = a.url; // an http(s) URL checked by the API
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      li.append(" ", link);
    });
    list.append(li);
  });
}

function decide() {
  const d = state.view && state.view.dispute;
  if (!d) return;
  const body = { outcome: els.decideOutcome.value, reason: els.decideReason.value.trim() };
  if (body.outcome === "buyer" && els.decideAmount.value) body.amount = Number(els.decideAmount.value);
  if (body.outcome === "buyer" && els.decideResponsible.value) body.responsible = els.decideResponsible.value;
  return guarded(async () => {
    els.decideResult.className = "result";
    els.decideResult.textContent = "Working…";
    try {
      const result = await api("POST", "/agent/disputes/" + encodeURIComponent(d.dispute_id) + "/decide", body);
      els.decideResult.className = "result ok";
      els.decideResult.textContent = "Decided: " + result.status.replace(/_/g, " ");
      els.decideReason.value = "";
      await loadCase(false);
    } catch (err) {
      els.decideResult.className = "result bad";
      els.decideResult.textContent = err.message || String(err);
      throw err;
    }
  });
}

function renderTranscript(messages) {
  els.transcript.replaceChildren();
  messages.forEach((m) => {
    const li = el("li", null, m.role);
    li.append(el("div", m.role + (m.author ? " · " + m.author : "") + " · " + formatDate(m.created_at, { date: false, seconds: true }), "who muted"));
    li.append(el("div", m.text));
    // A bot message the buyer read in their language: its English, for the agent.
    if (m.text_en) li.append(el("div", "EN: " + m.text_en, "small muted english"));
    const photos = (m.attachments || []).filter((a) => isOwnMedia(a.url));
    (m.attachments || []).filter((a) => !isOwnMedia(a.url))
      .forEach((a) => li.append(el("div", "📎 " + a.url, "small muted")));
    if (photos.length) li.append(photoStrip(photos));
    if (m.citations && m.citations.length) li.append(el("div", "cites " + clauseNames(m.citations), "small muted"));
    if (m.nlu && m.nlu.intent) {
      const ents = (m.nlu.entities || []).map((e) => e.entity + "=" + e.value).join(", ");
      li.append(el("div", "NLU: " + m.nlu.intent.name + " (" + Number(m.nlu.intent.confidence).toFixed(2) + ")" + (ents ? " · " + ents : ""), "nlu"));
    }
    els.transcript.append(li);
  });
  els.transcript.scrollTop = els.transcript.scrollHeight;
}

// The buyer's uploaded photos: thumbnails (fetched with the agent's token), each opening the
// photo full size.
function photoStrip(photos) {
  const list = el("ul", null, "photos");
  list.setAttribute("aria-label", "Buyer's photos");
  photos.forEach((a, i) => {
    const button = el("button", null, "photo-thumb");
    button.type = "button";
    button.title = "Show the photo full size";
    button.append(mediaImage(isOwnMedia(a.thumbnail_url) ? a.thumbnail_url : a.url, `Buyer's photo ${i + 1}`));
    button.addEventListener("click", () => showPhoto(a.url));
    const item = el("li");
    item.append(button);
    list.append(item);
  });
  return list;
}

function renderEligibility(v) {
  const e = v.eligibility_now || v.eligibility;
  els.eligibility.replaceChildren();
  if (!e) { els.eligibility.append(el("p", "No claim to check (no order or no claim type).", "muted")); return; }
  const verdict = el("span", e.eligible ? "eligible" : "not eligible", "badge " + (e.eligible ? "ok" : "bad"));
  const p = el("p"); p.append(verdict, el("span", e.remedy.replace(/_/g, " ") + " · " + money(e.amount, e.currency) + (e.needs_human ? " · needs an agent" : "")));
  els.eligibility.append(p, el("p", e.explanation));
  els.eligibility.append(facts([["Clauses", (e.clauses || []).join(", ")], ["Reasons", (e.reasons || []).join(", ").replace(/_/g, " ")]]));
}

function renderRisk(v) {
  els.risk.replaceChildren();
  const r = v.risk || {};
  const a = v.risk_attribution;
  // The router's recorded score when it scored the case; otherwise one computed now.
  const score = r.score;
  const source = r.source === "decision" ? "recorded by the router at its decision"
    : r.source === "computed" ? "computed now (the router did not score this case)" : "";
  els.risk.append(facts([
    ["Score", score === null || score === undefined ? "not scored" : Number(score).toFixed(3)],
    ["Source", source || "—"],
    ["Threshold", r.threshold === null || r.threshold === undefined ? "—" : Number(r.threshold).toFixed(3)],
    ["Model", (a && a.model_version) || r.model_version || "—"],
  ]));
  if (!a) return;
  const table = el("table");
  table.setAttribute("aria-label", "Features that moved the risk score");
  const head = el("tr");
  ["Feature", "This case", "Typical", "Effect"].forEach((h) => head.append(el("th", h)));
  table.append(head);
  a.features.forEach((f) => {
    const tr = el("tr");
    const effect = el("td", (f.contribution > 0 ? "+" : "") + Number(f.contribution).toFixed(3), "num " + (f.contribution > 0 ? "up" : f.contribution < 0 ? "down" : ""));
    tr.append(el("td", f.feature.replace(/_/g, " ")), el("td", String(f.value)), el("td", String(f.baseline)), effect);
    table.append(tr);
  });
  const basis = a.basis === "now" ? " Features as they are now (the decision did not record its own)." : "";
  els.risk.append(table, el("p", "How: " + a.description + basis, "small muted"));
}

function renderResponsibility(r) {
  els.responsibility.replaceChildren();
  if (!r) { els.responsibility.append(el("p", "Not determined.", "muted")); return; }
  els.responsibility.append(facts([["Party", r.party || "undetermined"], ["Clauses", (r.clauses || []).join(", ")]]));
  const ul = el("ul");
  (r.evidence || []).forEach((e) => ul.append(el("li", e)));
  els.responsibility.append(ul);
}

function renderOrder(o) {
  els.order.replaceChildren();
  if (!o) { els.order.append(el("p", "No order on this case.", "muted")); return; }
  els.order.append(facts([
    ["Order", o.order_id + " (" + o.status + ")"],
    ["Items", (o.items || []).map((i) => i.quantity + "× " + i.title + " (" + i.category + ") " + money(i.unit_price, o.currency)).join("; ")],
    ["Payment", o.payment_method],
    ["Placed", o.placed_at], ["Shipped", o.shipped_at], ["Promised by", o.promised_delivery_by],
    ["Delivered", o.delivered_at], ["Carrier", (o.carrier || "—") + " " + (o.tracking_number || "")],
    ["Refunded", money(o.refunded_amount, o.currency)],
  ]));
}

function renderBuyer(b) {
  els.buyer.replaceChildren();
  if (!b) return;
  els.buyer.append(facts([
    ["Account age", b.account_age_days === null ? "unknown" : Math.round(b.account_age_days) + " days"],
    ["Refunds, 90 days", b.refunds_last_90_days],
    ["Refunded orders, 365 days", b.refunded_orders_last_365_days + " of " + b.orders_last_365_days],
    ["Cases", (b.cases || []).length],
  ]));
  const table = el("table");
  table.setAttribute("aria-label", "Buyer's orders");
  const head = el("tr");
  ["Order", "Items", "Status", "Total", "Refunded"].forEach((h) => head.append(el("th", h)));
  table.append(head);
  (b.orders || []).forEach((o) => {
    const tr = el("tr");
    tr.append(el("td", o.order_id), el("td", o.items), el("td", o.status), el("td", money(o.total, o.currency), "num"), el("td", money(o.refunded_amount, o.currency), "num"));
    table.append(tr);
  });
  els.buyer.append(table);
}

function renderTrace(v) {
  els.trace.replaceChildren();
  const t = v.decision_trace;
  if (!t) { els.trace.append(el("p", "No router decision.", "muted")); return; }
  const latest = (v.decisions || [])[v.decisions.length - 1] || {};
  els.trace.append(facts([
    ["Route", latest.route], ["Level", t.level], ["Reasons", (latest.reasons || []).join(", ")],
    ["Rules fired", (t.rules_fired || []).join(", ")],
  ]));
  const details = el("details");
  details.append(el("summary", "Full trace"), el("pre", JSON.stringify(t, null, 2)));
  els.trace.append(details);
}

function renderAudit(entries, currency) {
  els.audit.replaceChildren();
  if (!entries.length) { els.audit.append(el("li", "Nothing yet.", "muted")); return; }
  entries.forEach((a) => {
    const text = formatDate(a.created_at, { date: false, seconds: true }) + " · " + a.agent_id + " · " + a.kind.replace(/_/g, " ") +
      (a.amount !== null ? " " + money(a.amount, currency) : "") + (a.override ? " · OVERRIDE" : "") + (a.reason ? " · " + a.reason : "");
    els.audit.append(el("li", text));
  });
}

// Clause titles for people (the console may show them; the codes stay in the tooltip).
async function loadClauses() {
  if (state.clauses.size) return;
  try {
    const data = await api("GET", "/policies/clauses");
    (data.clauses || []).forEach((c) => state.clauses.set(c.clause_id, c.title));
  } catch (err) {
    if (err.refused) throw err; // otherwise the codes are shown, and the next sign-in tries again
  }
}

function clauseBadge(id) {
  const badge = el("span", state.clauses.get(id) || id, "badge clause");
  badge.title = id;
  return badge;
}

function clauseNames(ids) {
  return ids.map((id) => state.clauses.get(id) ? state.clauses.get(id) + " (" + id + ")" : id).join("; ");
}

function renderSuggestions(list) {
  els.suggestions.replaceChildren();
  els.suggestionsEmpty.hidden = list.length > 0;
  list.forEach((s, i) => {
    const li = el("li", null, "suggestion");
    li.setAttribute("aria-label", "Suggestion " + (i + 1));
    const text = el("div", s.text, "text");
    const meta = el("div", null, "meta");
    const meter = el("meter");
    meter.min = 0; meter.max = 1; meter.value = s.confidence;
    meter.setAttribute("aria-label", "Confidence");
    meta.append(el("span", LABEL[s.decision] || s.decision, "badge"), meter, el("span", Math.round(s.confidence * 100) + "%"));
    (s.citations || []).forEach((c) => meta.append(clauseBadge(c)));
    meta.append(el("span", s.source.replace("+", " + ")));
    if (s.needs_override) meta.append(el("span", "needs override", "badge bad"));
    const buttons = el("div", null, "buttons");
    const send = el("button", "Send");
    send.type = "button";
    send.setAttribute("aria-label", "Send suggestion " + (i + 1));
    send.addEventListener("click", () => sendReply(s.text));
    const edit = el("button", "Edit", "secondary");
    edit.type = "button";
    edit.setAttribute("aria-label", "Edit suggestion " + (i + 1));
    edit.addEventListener("click", () => { els.replyInput.value = s.text; els.replyInput.focus(); prefillAction(s); });
    buttons.append(send, edit);
    if (s.action && MONEY.includes(s.action.type) && !s.needs_override) {
      const both = el("button", "Send + " + s.action.type + " " + money(s.action.amount, s.action.currency || (state.view && state.view.order && state.view.order.currency)), "secondary");
      both.type = "button";
      both.setAttribute("aria-label", "Send suggestion " + (i + 1) + " and " + s.action.type);
      both.addEventListener("click", () => execute({ type: s.action.type, amount: s.action.amount, message: s.text }));
      buttons.append(both);
    }
    li.append(text, meta, buttons);
    els.suggestions.append(li);
  });
}

function prefillAction(s) {
  if (!s.action) return;
  els.actionType.value = s.action.type;
  els.actionAmount.value = s.action.amount ? Number(s.action.amount).toFixed(2) : "";
}

// ---- writing -----------------------------------------------------------------------------------

function setBusy(busy) {
  // Disabled, not ignored: a click while a write is in flight waits instead of vanishing.
  state.busy = busy;
  els.casePane.querySelectorAll("button").forEach((b) => { b.disabled = busy; });
}

async function guarded(work) {
  if (state.busy) return;
  setBusy(true);
  try {
    errors.clear();
    await work();
  } catch (err) {
    if (!err.refused) errors.show(err.message || String(err));
  } finally {
    setBusy(false);
  }
}

function sendReply(text) {
  if (!text.trim() || !state.caseId) return;
  return guarded(async () => {
    await api("POST", "/agent/cases/" + encodeURIComponent(state.caseId) + "/reply", { text });
    els.replyInput.value = "";
    await loadCase(false);
  });
}

function execute(body) {
  if (!state.caseId) return;
  return guarded(async () => {
    els.actionResult.className = "result";
    els.actionResult.textContent = "Working…";
    try {
      // One key per click: a network retry of this request moves no money twice.
      const result = await api("POST", "/agent/cases/" + encodeURIComponent(state.caseId) + "/actions", body, { "Idempotency-Key": idempotencyKey() });
      const a = result.action;
      els.actionResult.className = "result ok";
      els.actionResult.textContent = a
        ? "Done: " + a.type + " " + money(a.amount, a.currency) + (result.override ? " (override recorded)" : "") + (result.replayed ? " (already done)" : "")
        : "Recorded: " + body.type.replace(/_/g, " ");
      els.actionOverride.checked = false;
      await loadCase(true);
    } catch (err) {
      els.actionResult.className = "result bad";
      els.actionResult.textContent = err.message || String(err);
      if (err.field === "override") els.actionOverride.focus();
      if (err.field === "reason") els.actionReason.focus();
      throw err;
    }
  });
}

function release(to) {
  if (!state.caseId) return;
  return guarded(async () => {
    await api("POST", "/agent/cases/" + encodeURIComponent(state.caseId) + "/release", { to });
    state.caseId = null;
    els.casePane.hidden = true;
    els.noCase.hidden = false;
    await loadQueue();
  });
}

// Closing ends the buyer's conversation: the button asks first, in the page; "Keep it open" (or
// Escape, or opening another case) leaves the case as it was.
function askToClose(ask) {
  els.closeConfirm.hidden = !ask;
  els.closeCase.setAttribute("aria-expanded", String(ask));
  if (ask) els.closeNo.focus();
}

// ---- polling -----------------------------------------------------------------------------------

async function refresh() {
  try {
    await loadClauses();
    await loadQueue();
    if (state.caseId) await loadCase(false);
  } catch (err) {
    if (!err.refused) errors.show("Could not refresh: " + (err.message || err));
  }
  schedule();
}

function schedule() {
  stopPolling();
  if (panel.token()) state.pollTimer = setTimeout(refresh, POLL_MS);
}

function stopPolling() {
  if (state.pollTimer !== null) clearTimeout(state.pollTimer);
  state.pollTimer = null;
}

// ---- wiring ------------------------------------------------------------------------------------

[els.fIntent, els.fRegion, els.fStatus].forEach((s) => s.addEventListener("change", () => guarded(loadQueue)));
// Search as the agent types (once they pause), and at once on Enter.
let searchTimer = null;
function searchNow() {
  clearTimeout(searchTimer);
  loadQueue().catch((err) => { if (!err.refused) errors.show("Could not search: " + (err.message || err)); });
}
els.search.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(searchNow, SEARCH_DELAY_MS); });
$("filters").addEventListener("submit", (e) => { e.preventDefault(); searchNow(); });
els.queue.addEventListener("click", (e) => {
  const button = e.target.closest("button[data-case-id]");
  if (button && els.queue.contains(button)) openCase(button.dataset.caseId);
});
els.queue.addEventListener("pointerdown", () => { state.pressing = true; state.pressedAt = Date.now(); });
["pointerup", "pointercancel"].forEach((type) => document.addEventListener(type, pressRelease));
window.addEventListener("blur", pressRelease);
els.replyForm.addEventListener("submit", (e) => { e.preventDefault(); sendReply(els.replyInput.value); });
els.actionForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const type = els.actionType.value;
  const body = { type };
  if (MONEY.includes(type) && els.actionAmount.value) body.amount = Number(els.actionAmount.value);
  if (els.actionReason.value.trim()) body.reason = els.actionReason.value.trim();
  if (els.actionOverride.checked) body.override = true;
  execute(body);
});
els.decideForm.addEventListener("submit", (e) => { e.preventDefault(); decide(); });
els.handBack.addEventListener("click", () => release("bot"));
els.closeCase.addEventListener("click", () => askToClose(true));
els.closeNo.addEventListener("click", () => { askToClose(false); els.closeCase.focus(); });
els.closeYes.addEventListener("click", () => { askToClose(false); release("closed"); });
els.closeConfirm.addEventListener("keydown", (e) => {
  if (e.key === "Escape") { askToClose(false); els.closeCase.focus(); }
});
setInterval(tickSla, 1000);

panel.start();
