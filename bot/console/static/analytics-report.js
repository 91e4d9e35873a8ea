// The analytics dashboard's report, section by section, drawn into the page's #report:
// tiles, charts, fairness slices, failure clusters, routing experiments and definitions.
import { el, money } from "./common.js";
import {
  amounts, bucketLabel, columnChart, stampText, count, duration, hbarChart, missing, note, pct, points,
  pValue, simpleBars, table, words,
} from "./analytics-charts.js";

// The largest tolerated gap between buyer groups' rates (the fairness guardrail's limit).
const FAIRNESS_LIMIT = 0.05;
// Experiment metrics shown per arm and against control, in reading order.
const ARM_METRICS = [
  ["automation_rate", "Automation"],
  ["escalation_rate", "Escalation"],
  ["expected_loss_per_case", "Expected loss / case"],
  ["realised_loss_per_case", "Realised loss / case"],
  ["csat", "CSAT"],
  ["fairness_gap", "Fairness gap"],
];
const MONEY_METRICS = ["expected_loss_per_case", "realised_loss_per_case"];

const $ = (id) => document.getElementById(id);
const els = {
  windowText: $("window-text"), empty: $("empty"), report: $("report"), kpis: $("kpis"),
  volume: $("volume"), intents: $("intents"), escalation: $("escalation"),
  resolution: $("resolution"), csat: $("csat"), money: $("money"), whoPays: $("who-pays"),
  fairness: $("fairness"),
  clusters: $("clusters"), clustersTitle: $("clusters-title"),
  experiments: $("experiments"), experimentsTitle: $("experiments-title"),
  definitions: $("definitions"),
};

// ---- the report, section by section --------------------------------------------------------------

function tile(key, label, value, detail) {
  const li = el("li", null, "tile");
  li.dataset.kpi = key;
  li.append(el("span", label, "tile-label"), el("span", value, "tile-value"), el("span", detail, "tile-detail"));
  return li;
}

function ofWhat(part, noun) {
  return part && part.denominator ? count(part.numerator) + " of " + count(part.denominator) + " " + noun : "no " + noun;
}

function renderKpis(summary) {
  const csat = summary.csat || {};
  const refunds = summary.refunds || { auto: {}, human: {} };
  els.kpis.replaceChildren(
    tile("conversations", "Conversations", count(summary.conversations), count(summary.case_conversations) + " with a case"),
    tile("automation", "Automation rate", pct(summary.automation_rate), ofWhat(summary.automation, "case conversations")),
    tile("escalation", "Escalation rate", pct(summary.escalation_rate), ofWhat(summary.escalation, "case conversations")),
    tile("fallback", "NLU fallback rate", pct(summary.fallback_rate), ofWhat(summary.fallback, "buyer messages")),
    tile("csat", "CSAT", missing(csat.mean) ? "—" : Number(csat.mean).toFixed(2) + " / 5", "n = " + count(csat.count || 0) + " ratings"),
    tile("refunds-auto", "Refunds by the bot", count(refunds.auto.count || 0), amounts(refunds.auto.amount)),
    tile("refunds-human", "Refunds by agents", count(refunds.human.count || 0), amounts(refunds.human.amount)),
  );
}

function renderVolume(volume) {
  const series = volume.series || [];
  const per = volume.grain === "hour" ? "hour" : "day";
  const labels = series.map((b) => bucketLabel(b.bucket, volume.grain));
  const values = series.map((b) => b.conversations);
  const busy = series.filter((b) => b.conversations > 0).slice(0, 40);
  const total = values.reduce((a, b) => a + b, 0);
  const description = "Total " + total + " conversations. " +
    (busy.length ? busy.map((b) => bucketLabel(b.bucket, volume.grain) + ": " + b.conversations).join("; ") + "; every other " + per + ": 0." : "");
  els.volume.replaceChildren(columnChart({
    title: "Conversations per " + per + " (UTC)", description, categories: labels,
    series: [{ name: "conversations", className: "bar", values }], yLabel: "conversations",
  }));
}

function renderIntents(intents) {
  els.intents.replaceChildren();
  const messages = (intents.messages || []).map((r) => ({ label: r.intent, value: r.messages }));
  const cases = (intents.cases || []).map((r) => ({ label: r.intent, value: r.cases, part: r.escalated }));
  els.intents.append(el("h3", "Buyer messages by intent"));
  els.intents.append(messages.length ? simpleBars("Buyer messages by intent", messages, "messages") : note("No buyer message was read by the NLU."));
  els.intents.append(el("h3", "Cases by intent (darker: escalated)"));
  els.intents.append(cases.length ? simpleBars("Cases by intent", cases, "cases", "escalated") : note("No cases."));
}

function renderEscalation(automation, fallback) {
  els.escalation.replaceChildren();
  const reasons = (automation.reasons || []).map((r) => ({ label: r.reason, value: r.decisions }));
  els.escalation.append(el("h3", "Escalation reasons (human decisions)"));
  els.escalation.append(reasons.length ? simpleBars("Escalation reasons", reasons, "decisions") : note("No case went to a person."));
  const fallbacks = (fallback.reasons || []).map((r) => ({ label: r.reason, value: r.messages }));
  els.escalation.append(el("h3", "Fallback reasons (buyer messages)"));
  els.escalation.append(fallbacks.length ? simpleBars("Fallback reasons", fallbacks, "messages") : note("Every buyer message was read confidently."));
}

function renderResolution(resolution) {
  const bins = resolution.bins || [];
  const kinds = [["bot", "bot", "bar-bot"], ["human", "human", "bar-human"]];
  const series = kinds.map(([kind, name, className]) => ({
    name, className,
    values: bins.map((bin) => {
      const row = (resolution.histogram || []).find((r) => r.kind === kind && r.bin === bin);
      return row ? row.cases : 0;
    }),
  }));
  const description = series.map((s) => s.name + ": " + bins.map((b, i) => b + " " + s.values[i]).join(", ")).join(". ");
  els.resolution.replaceChildren(
    columnChart({ title: "Minutes to resolution, bot vs human", description, categories: bins, series, yLabel: "cases" }),
    table("Turns and time to resolution: median and 90th percentile",
      ["Resolved by", "Cases", "Turns, median", "Turns, p90", "Time, median", "Time, p90"],
      kinds.map(([kind, name]) => {
        const r = resolution[kind] || { turns: {}, minutes: {} };
        return [name, count(r.cases), fixed(r.turns.median), fixed(r.turns.p90), duration(r.minutes.median), duration(r.minutes.p90)];
      })),
  );
}

function fixed(value) {
  return missing(value) ? "—" : Number(value).toFixed(1);
}

function renderCsat(csat) {
  const scores = ["1", "2", "3", "4", "5"];
  const routes = [["auto", "bot (auto)", "bar-bot"], ["human", "agent (human)", "bar-human"]];
  const byRoute = csat.by_route || {};
  const series = routes.map(([route, name, className]) => ({
    name, className, values: scores.map((s) => ((byRoute[route] || {}).distribution || {})[s] || 0),
  }));
  const description = "Mean " + meanText(csat) + ". " +
    series.map((s) => s.name + ": " + scores.map((score, i) => score + "★ " + s.values[i]).join(", ")).join(". ");
  els.csat.replaceChildren(
    columnChart({ title: "Ratings 1 to 5 by route", description, categories: scores.map((s) => s + " ★"), series, yLabel: "ratings" }),
    el("p", "Mean " + meanText(csat) + " · bot " + meanText(byRoute.auto) + " · agents " + meanText(byRoute.human), "small"),
  );
}

function meanText(part) {
  const p = part || {};
  return (missing(p.mean) ? "—" : Number(p.mean).toFixed(2)) + " (n = " + count(p.count || 0) + ")";
}

function renderMoney(part) {
  const rows = (part.by_type || []).map((r) => [
    r.by === "auto" ? "bot" : "agents", words(r.type), count(r.actions), money(r.amount, r.currency),
  ]);
  const all = part.all || { auto: {}, human: {} };
  els.money.replaceChildren(
    rows.length
      ? table("Executed actions by actor and type", ["By", "Type", "Actions", "Amount"], rows, [1])
      : note("No action moved money in this window."),
    el("p", "All money actions: bot " + count(all.auto.count || 0) + " (" + amounts(all.auto.amount) + ") · agents " +
      count(all.human.count || 0) + " (" + amounts(all.human.amount) + ")", "small"),
  );
}

// ---- who pays and disputes ---------------------------------------------------------------------

// Dispute outcomes in the order a dispute goes through them.
const OUTCOMES = [
  ["seller_accepted", "Seller accepted"],
  ["seller_contested", "Seller contested"],
  ["seller_offered", "Seller offered"],
  ["timeout_for_buyer", "Decided for buyer: no answer in time"],
  ["agent_for_buyer", "Decided by an agent for the buyer"],
  ["agent_for_seller", "Decided by an agent for the seller"],
  ["awaiting_seller", "Awaiting the seller"],
];

function hours(value) {
  return missing(value) ? "—" : Number(value).toFixed(1) + " h";
}

function renderWhoPays(part) {
  els.whoPays.replaceChildren();
  if (!part) { els.whoPays.append(note("This report has no who-pays section.")); return; }
  const parties = (part.refunds_by_party || []).map((r) => [words(r.party), r.currency, count(r.refunds), money(r.amount, r.currency)]);
  const sellers = (part.top_sellers || []).map((r) => [r.seller_id, r.currency, count(r.refunds), money(r.amount, r.currency)]);
  const d = part.disputes || {};
  const response = d.seller_response_hours || {};
  const outcomes = d.outcomes || {};
  els.whoPays.append(
    parties.length
      ? table("Refund cost by responsible party", ["Party", "Currency", "Refunds", "Cost"], parties, [1])
      : note("No refund in this window."),
    sellers.length
      ? table("Top sellers by refund cost they bear", ["Seller", "Currency", "Refunds", "Cost"], sellers, [1])
      : note("No refund was attributed to a seller."),
    table("Disputes", ["Measure", "Value"], [
      ["Opened", count(d.opened)],
      ["Dispute rate", pct(d.dispute_rate) + " (" + count(d.disputed_conversations) + " of " + count(d.case_conversations) + " case conversations)"],
      ["Seller response, median", hours(response.median)],
      ["Seller response, p90", hours(response.p90)],
      ["Answered / unanswered", count(response.answered) + " / " + count(response.unanswered)],
      ...OUTCOMES.map(([key, label]) => [label, count(outcomes[key] || 0)]),
      ["Seller win rate", pct(d.seller_win_rate) + " (" + count(d.decided_for_seller) + " of " + count(d.decided) + " decided)"],
    ]),
  );
}

// ---- fairness ------------------------------------------------------------------------------------

const FAIRNESS_METRICS = [
  ["auto_approval_rate", "auto_approval_gap", "auto-approval", "bar-auto"],
  ["escalation_rate", "escalation_gap", "escalation", "bar-human"],
];

// The groups at both ends of a rate: the ones that make the slice's gap.
function extremes(groups, key) {
  const rated = groups.filter((g) => !missing(g[key]));
  if (rated.length < 2) return null;
  const sorted = rated.slice().sort((a, b) => a[key] - b[key]);
  return { low: sorted[0], high: sorted[sorted.length - 1] };
}

function renderFairness(fairness) {
  els.fairness.replaceChildren();
  [["region", "By region"], ["account_age", "By account age when the first case opened"], ["language", "By the buyer's language"]].forEach(([slice, heading]) => {
    const part = fairness[slice];
    if (!part) return;
    const box = el("div", null, "slice");
    box.dataset.slice = slice;
    box.append(el("h3", heading));
    box.append(note("Case conversations, counted as in the automation and escalation tiles: the groups add up to them."));
    const groups = part.groups || [];
    if (!groups.length) { box.append(note("No cases.")); els.fairness.append(box); return; }
    box.append(fairnessChart(slice, groups), ...gapLines(slice, groups, part.gap || {}));
    els.fairness.append(box);
  });
}

function fairnessChart(slice, groups) {
  const ends = FAIRNESS_METRICS.map(([key]) => extremes(groups, key));
  const n = (g) => (missing(g.case_conversations) ? g.cases : g.case_conversations);
  const noun = (g) => (n(g) === 1 ? " case conversation" : " case conversations");
  const description = groups.map((g) => g.group + " (" + count(n(g)) + noun(g) + "): automation " + pct(g.automation_rate) +
    ", auto-approval " + pct(g.auto_approval_rate) +
    ", escalation " + pct(g.escalation_rate)).join("; ");
  return hbarChart({
    title: "Auto-approval and escalation rates " + ({ region: "by region", account_age: "by account age", language: "by language" }[slice]),
    description, max: 1, format: pct,
    series: FAIRNESS_METRICS.map(([, , name, className]) => ({ name, className })),
    groups: groups.map((g) => ({
      label: g.group + " · " + count(n(g)) + noun(g),
      bars: FAIRNESS_METRICS.map(([key, , name, className], i) => ({
        value: g[key], className,
        highlight: Boolean(ends[i] && ends[i].high[key] > ends[i].low[key] && (ends[i].high === g || ends[i].low === g)),
        title: g.group + ", " + name + ": " + pct(g[key]) + " of " + count(n(g)) + noun(g),
      })),
    })),
  });
}

function gapLines(slice, groups, gap) {
  const lines = [];
  FAIRNESS_METRICS.forEach(([key, gapKey, name]) => {
    const value = gap[gapKey];
    const ends = extremes(groups, key);
    if (missing(value) || !ends) return;
    const text = "Largest gap in " + name + ": " + points(value) + " (" + ends.high.group + " " + pct(ends.high[key]) +
      " vs " + ends.low.group + " " + pct(ends.low[key]) + ")";
    if (value > FAIRNESS_LIMIT) {
      const p = el("p", "⚠ " + text + ", above the " + points(FAIRNESS_LIMIT) + " limit.", "warning");
      p.dataset.gap = gapKey;
      lines.push(p);
    } else {
      lines.push(el("p", text + ".", "small muted"));
    }
  });
  return lines;
}

// ---- optional sections: failure clusters, experiments --------------------------------------------

function unavailable(container, section) {
  container.replaceChildren(note("Not in this report: " + (section.note || "this section is not available.")));
}

// A section in a shape this page does not know: its summary and tables as the report has them.
function generic(container, section) {
  container.replaceChildren();
  if (section.summary) container.append(el("p", section.summary));
  Object.entries(section.tables || {}).forEach(([name, rows]) => {
    if (Array.isArray(rows) && rows.length) container.append(rowsTable(name, rows));
  });
  if (!container.childElementCount) container.append(note("This section has nothing to show."));
}

function rowsTable(name, rows) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v) => (missing(v) ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const text = columns.map((c, i) => (rows.some((r) => typeof r[c] !== "number" && !missing(r[c])) ? i : -1));
  return table(name, columns.map(words), rows.map((r) => columns.map((c) => cell(r[c]))), text);
}

function renderClusters(section) {
  if (section.title) els.clustersTitle.textContent = section.title;
  if (!section.available) return unavailable(els.clusters, section);
  const data = [section, section.report || {}].find((d) => Array.isArray(d.clusters));
  if (!data) return generic(els.clusters, section);
  const clusters = data.clusters;
  els.clusters.replaceChildren(el("p", count(data.total) + " messages the bot fell back or escalated on: " +
    clusters.length + (clusters.length === 1 ? " theme" : " themes") + ", " + count(data.noise) + " fit none.", "small"));
  if (!clusters.length) { els.clusters.append(note("No recurring theme yet.")); return; }
  const list = el("ol", null, "clusters");
  list.setAttribute("aria-label", "Failure clusters");
  clusters.forEach((c) => list.append(clusterItem(c)));
  els.clusters.append(list);
}

function clusterItem(c) {
  const li = el("li", null, "cluster");
  li.append(el("h3", c.label), el("p", count(c.size) + " messages · " + pct(c.share) + " of the failures", "small muted"));
  const chips = el("ul", null, "chips");
  chips.setAttribute("aria-label", "Key phrases");
  (c.key_phrases || []).forEach((phrase) => chips.append(el("li", phrase, "chip")));
  const examples = el("ol", null, "examples");
  examples.setAttribute("aria-label", "Example messages");
  (c.examples || []).forEach((text) => examples.append(el("li", text)));
  li.append(chips, examples);
  return li;
}

function renderExperiments(section) {
  if (section.title) els.experimentsTitle.textContent = section.title;
  if (!section.available) return unavailable(els.experiments, section);
  const report = section.report || {};
  if (!Array.isArray(report.experiments)) return generic(els.experiments, section);
  const experiments = report.experiments;
  els.experiments.replaceChildren();
  if (!experiments.length) { els.experiments.append(note("No experiment ran in this window.")); return; }
  experiments.forEach((e) => els.experiments.append(experimentBlock(e)));
  (report.notes || []).forEach((text) => els.experiments.append(el("p", text, "small muted")));
}

function experimentBlock(e) {
  const box = el("div", null, "experiment");
  box.dataset.experiment = e.name;
  box.append(el("h3", e.name));
  const srm = e.srm || {};
  box.append(el("p", "Control arm: " + e.control + " · weights: " + e.design + " · sample-ratio check p = " + pValue(srm.p_value), "small muted"));
  if ((e.guardrails || []).length) box.append(guardrailBanner(e));
  box.append(armsTable(e));
  (e.arms || []).filter((a) => a.name !== e.control).forEach((a) => {
    const tests = (e.comparisons || {})[a.name];
    if (tests) box.append(comparisonTable(a.name, e.control, tests));
  });
  return box;
}

function guardrailBanner(e) {
  const banner = el("div", null, "guardrails");
  banner.setAttribute("role", "region");
  banner.setAttribute("aria-label", "Guardrail warnings for " + e.name);
  banner.append(el("strong", "⚠ " + e.guardrails.length + (e.guardrails.length === 1 ? " warning" : " warnings") + " before believing this comparison"));
  const list = el("ul");
  e.guardrails.forEach((g) => {
    const li = el("li");
    li.append(el("span", words(g.code), "badge bad"), el("span", " " + g.message));
    list.append(li);
  });
  banner.append(list);
  return banner;
}

function metricValue(metric, value) {
  if (missing(value)) return "—";
  if (MONEY_METRICS.includes(metric)) return money(value);
  if (metric === "csat") return Number(value).toFixed(2);
  if (metric === "fairness_gap") return points(value);
  return pct(value);
}

function interval(metric, i) {
  if (!i || missing(i.value)) return "—";
  if (missing(i.low) || missing(i.high)) return metricValue(metric, i.value);
  return metricValue(metric, i.value) + " [" + metricValue(metric, i.low) + ", " + metricValue(metric, i.high) + "]";
}

function difference(metric, value) {
  if (missing(value)) return "—";
  const sign = value >= 0 ? "+" : "−";
  const size = Math.abs(value);
  if (MONEY_METRICS.includes(metric)) return sign + money(size);
  if (metric === "csat") return sign + size.toFixed(2);
  return sign + points(size);
}

function shownMetrics(e) {
  return ARM_METRICS.filter(([metric]) => (e.arms || []).some((a) => (a.metrics || {})[metric]));
}

function armsTable(e) {
  const metrics = shownMetrics(e);
  return table("Per arm, with 95% confidence intervals",
    ["Arm", "Buyers", "Case conversations (exposures)"].concat(metrics.map(([, label]) => label)),
    (e.arms || []).map((a) => [a.name + (a.name === e.control ? " (control)" : ""), count(a.buyers), count(a.cases)]
      .concat(metrics.map(([metric]) => interval(metric, (a.metrics || {})[metric])))));
}

function comparisonTable(arm, control, tests) {
  const rows = ARM_METRICS.filter(([metric]) => tests[metric]).map(([metric, label]) => {
    const t = tests[metric];
    const diff = difference(metric, t.difference) +
      (missing(t.low) || missing(t.high) ? "" : " [" + difference(metric, t.low) + ", " + difference(metric, t.high) + "]");
    const secondary = t.test_secondary && !missing(t.p_value_secondary) ? "; " + t.test_secondary + " p = " + pValue(t.p_value_secondary) : "";
    return [label, diff, pValue(t.p_value) + (t.significant ? " (significant)" : ""), t.test + secondary];
  });
  return table(arm + " against " + control + ": difference (arm − control) with 95% CI, p-value",
    ["Metric", "Difference", "p-value", "Test"], rows, [3]);
}

function renderDefinitions(definitions) {
  els.definitions.replaceChildren();
  Object.entries(definitions || {}).forEach(([k, v]) => els.definitions.append(el("dt", words(k)), el("dd", v)));
}

export function renderReport(report) {
  const summary = report.summary || {};
  describeWindow(report);
  els.empty.hidden = summary.conversations !== 0;
  els.report.hidden = summary.conversations === 0;
  if (summary.conversations === 0) return;
  const sections = report.sections || {};
  renderKpis(summary);
  renderVolume(report.volume || {});
  renderIntents(report.intents || {});
  renderEscalation(report.automation || {}, report.fallback || {});
  renderResolution(report.resolution || {});
  renderCsat(report.csat || {});
  renderMoney(report.money || {});
  renderWhoPays(report.who_pays);
  renderFairness(report.fairness || {});
  renderClusters(sections.clusters || { available: false, note: "the report has no such section." });
  renderExperiments(sections.experiments || { available: false, note: "the report has no such section." });
  renderDefinitions(report.definitions);
}

function describeWindow(report) {
  const w = report.window || {};
  els.windowText.textContent = "Conversations created " + stampText(w.since) + " – " + stampText(w.until) + " UTC (until exclusive), per " +
    (w.grain || "day") + " · computed " + stampText(report.generated_at) + " UTC" + cacheText(report.cache);
}

// Whether the figures were kept from an earlier computation (the store has not changed since) or
// computed for this request.
function cacheText(cache) {
  if (!cache) return "";
  return cache.status === "hit"
    ? " (kept: nothing changed since)"
    : " (computed now in " + Number(cache.compute_seconds).toFixed(1) + " s)";
}
