// The analytics dashboard: one window's report (GET /v1/analytics/report) as tiles, charts and
// tables. Vanilla JS, no dependencies; charts are inline SVG built here. Every value from the
// server is written with textContent or as an SVG attribute (never innerHTML).
(function () {
  "use strict";

  const API = "/v1";
  const TOKEN_KEY = "aftersales.console.token"; // shared with the console: one sign-in for both
  const SVG_NS = "http://www.w3.org/2000/svg";
  const HOUR_MS = 3600 * 1000;
  const DAY_MS = 24 * HOUR_MS;
  const DEFAULT_HOURS = 168;
  // The largest tolerated gap between buyer groups' rates (the fairness guardrail's limit).
  const FAIRNESS_LIMIT = 0.05;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
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
    login: $("login"), loginForm: $("login-form"), tokenInput: $("token-input"),
    dashboard: $("dashboard"), signedIn: $("signed-in-as"), signOut: $("sign-out"),
    error: $("error"), errorText: $("error-text"), errorDismiss: $("error-dismiss"),
    windowForm: $("window-form"), sinceInput: $("since-input"), untilInput: $("until-input"),
    windowText: $("window-text"), quick: document.querySelectorAll(".quick button"),
    empty: $("empty"), report: $("report"), kpis: $("kpis"),
    volume: $("volume"), intents: $("intents"), escalation: $("escalation"),
    resolution: $("resolution"), csat: $("csat"), money: $("money"), fairness: $("fairness"),
    clusters: $("clusters"), clustersTitle: $("clusters-title"),
    experiments: $("experiments"), experimentsTitle: $("experiments-title"),
    definitions: $("definitions"),
  };

  const state = { token: null, hours: DEFAULT_HOURS, since: null, until: null, request: 0 };
  let chartIds = 0;

  // ---- formatting --------------------------------------------------------------------------------

  const missing = (v) => v === null || v === undefined || Number.isNaN(v);

  function pct(value) {
    return missing(value) ? "—" : (value * 100).toFixed(1) + "%";
  }

  function points(value) {
    return missing(value) ? "—" : (value * 100).toFixed(1) + " pp";
  }

  function count(value) {
    return missing(value) ? "—" : Number(value).toLocaleString("en-US");
  }

  function money(amount, currency) {
    if (missing(amount)) return "—";
    const value = Number(amount).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return !currency || currency === "USD" ? "$" + value : currency + " " + value;
  }

  function amounts(byCurrency) {
    const entries = Object.entries(byCurrency || {}).sort(([a], [b]) => a.localeCompare(b));
    return entries.length ? entries.map(([c, v]) => money(v, c)).join(" · ") : "nothing paid";
  }

  function duration(minutes) {
    if (missing(minutes)) return "—";
    if (minutes < 1) return Math.round(minutes * 60) + " s";
    if (minutes < 120) return minutes.toFixed(1) + " min";
    return (minutes / 60).toFixed(1) + " h";
  }

  function pValue(p) {
    if (missing(p)) return "—";
    return p < 0.001 ? "< 0.001" : p.toPrecision(2);
  }

  function words(code) {
    return String(code).replace(/_/g, " ");
  }

  function two(n) {
    return String(n).padStart(2, "0");
  }

  function isoDay(date) {
    return date.getUTCFullYear() + "-" + two(date.getUTCMonth() + 1) + "-" + two(date.getUTCDate());
  }

  function isoSeconds(date) {
    return date.toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  function shortDay(date) {
    return MONTHS[date.getUTCMonth()] + " " + date.getUTCDate();
  }

  function stamp(iso) {
    const date = new Date(iso);
    return date.getUTCDate() + " " + MONTHS[date.getUTCMonth()] + " " + date.getUTCFullYear() +
      " " + two(date.getUTCHours()) + ":" + two(date.getUTCMinutes());
  }

  function bucketLabel(iso, grain) {
    const date = new Date(iso);
    return grain === "hour" ? shortDay(date) + " " + two(date.getUTCHours()) + ":00" : shortDay(date);
  }

  // ---- DOM helpers ---------------------------------------------------------------------------------

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, String(v)));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function note(text) {
    return el("p", text, "muted section-note");
  }

  // A table whose first column heads the rows; columns listed in `text` are left-aligned,
  // the others are numbers (right-aligned).
  function table(caption, headers, rows, text) {
    const isText = (i) => i === 0 || (text || []).includes(i);
    const t = el("table");
    t.append(el("caption", caption));
    const head = el("tr");
    headers.forEach((h, i) => head.append(el("th", h, isText(i) ? "" : "num")));
    const thead = el("thead");
    thead.append(head);
    const tbody = el("tbody");
    rows.forEach((cells) => {
      const tr = el("tr");
      cells.forEach((cell, i) => {
        const td = i === 0 ? el("th", cell) : el("td", cell, isText(i) ? "" : "num");
        if (i === 0) td.scope = "row";
        tr.append(td);
      });
      tbody.append(tr);
    });
    t.append(thead, tbody);
    return t;
  }

  // ---- charts (inline SVG) -------------------------------------------------------------------------

  // An SVG with an accessible name (its title) and description (the numbers).
  function chart(width, height, title, description) {
    const id = "chart-" + ++chartIds;
    const svg = svgEl("svg", {
      viewBox: "0 0 " + width + " " + height, role: "img", class: "chart",
      "aria-labelledby": id + "-title", "aria-describedby": id + "-desc",
    });
    svg.append(svgEl("title", { id: id + "-title" }, title), svgEl("desc", { id: id + "-desc" }, description));
    return svg;
  }

  function legend(svg, series, x, y) {
    let at = x;
    series.forEach((s) => {
      svg.append(svgEl("rect", { x: at, y: y - 9, width: 10, height: 10, class: s.className }));
      const label = svgEl("text", { x: at + 14, y: y, class: "legend" }, s.name);
      svg.append(label);
      at += 24 + s.name.length * 6.5;
    });
  }

  function truncate(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  // Horizontal bars in groups: each group a label and one bar per series (rates or counts).
  // groups: [{label, bars: [{value, className, part?, highlight?, title}]}]
  function hbarChart({ title, description, groups, max, format, series }) {
    const width = 560, labelWidth = 160, valueWidth = 90, bar = 14, gap = 3, groupGap = 10;
    const top = series && series.length > 1 ? 22 : 6;
    const rowsHeight = groups.reduce((h, g) => h + g.bars.length * (bar + gap) + groupGap, 0);
    const svg = chart(width, top + rowsHeight, title, description);
    if (series && series.length > 1) legend(svg, series, labelWidth, 12);
    const scale = (width - labelWidth - valueWidth) / (max || 1);
    let y = top;
    groups.forEach((group) => {
      const g = svgEl("g");
      const groupHeight = group.bars.length * (bar + gap) - gap;
      const label = svgEl("text", { x: labelWidth - 8, y: y + groupHeight / 2 + 4, "text-anchor": "end", class: "axis-label" },
        truncate(group.label, 26));
      g.append(label);
      group.bars.forEach((b) => {
        const w = missing(b.value) ? 0 : Math.max(b.value * scale, b.value > 0 ? 1 : 0);
        const rect = svgEl("rect", { x: labelWidth, y: y, width: w, height: bar, class: b.className + (b.highlight ? " extreme" : "") });
        rect.append(svgEl("title", {}, b.title));
        g.append(rect);
        if (!missing(b.part) && b.part > 0) {
          g.append(svgEl("rect", { x: labelWidth, y: y, width: b.part * scale, height: bar, class: "bar-part" }));
        }
        g.append(svgEl("text", { x: labelWidth + w + 6, y: y + bar - 3, class: "value" + (b.highlight ? " extreme-text" : "") }, format(b.value)));
        y += bar + gap;
      });
      y += groupGap - gap;
      svg.append(g);
    });
    return svg;
  }

  // "1 case", "2 cases": units are given in the plural.
  function counted(n, unit) {
    return count(n) + " " + (n === 1 ? unit.replace(/s$/, "") : unit);
  }

  function simpleBars(title, rows, unit, part) {
    const describe = (r) => words(r.label) + ": " + counted(r.value, unit) + (part ? " (" + count(r.part) + " " + part + ")" : "");
    const description = rows.map(describe).join("; ");
    return hbarChart({
      title, description,
      max: Math.max(1, ...rows.map((r) => r.value)),
      format: count,
      groups: rows.map((r) => ({
        label: words(r.label),
        bars: [{ value: r.value, part: r.part, className: "bar", title: describe(r) }],
      })),
    });
  }

  // A round upper bound for a count axis: 1, 2, 5, 10, 20, 50, ...
  function niceMax(value) {
    if (value <= 1) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= value);
  }

  // Vertical bars per category, one per series, with a count axis and thinned category labels.
  function columnChart({ title, description, categories, series, yLabel }) {
    const width = 560, height = 230, left = 44, right = 8, bottom = 40;
    const top = series.length > 1 ? 26 : 12;
    const plotWidth = width - left - right, plotHeight = height - top - bottom;
    const svg = chart(width, height, title, description);
    if (series.length > 1) legend(svg, series, left, 14);
    const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
    [0, max / 2, max].forEach((tick) => {
      const y = top + plotHeight - (tick / max) * plotHeight;
      svg.append(svgEl("line", { x1: left, x2: width - right, y1: y, y2: y, class: tick ? "grid" : "axis" }));
      if (Number.isInteger(tick)) svg.append(svgEl("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "tick" }, tick));
    });
    const middle = top + plotHeight / 2;
    svg.append(svgEl("text", { x: 12, y: middle, transform: "rotate(-90 12 " + middle + ")", "text-anchor": "middle", class: "tick" }, yLabel));
    const step = plotWidth / categories.length;
    const barWidth = Math.max(1, (step * 0.8) / series.length);
    const every = Math.ceil(categories.length / 8);
    categories.forEach((category, i) => {
      series.forEach((s, j) => {
        const value = s.values[i] || 0;
        const h = (value / max) * plotHeight;
        const rect = svgEl("rect", { x: left + i * step + step * 0.1 + j * barWidth, y: top + plotHeight - h, width: barWidth, height: h, class: s.className });
        rect.append(svgEl("title", {}, category + (series.length > 1 ? " · " + s.name : "") + ": " + value));
        svg.append(rect);
      });
      if (i % every === 0) {
        svg.append(svgEl("text", { x: left + i * step + step / 2, y: height - bottom + 16, "text-anchor": "middle", class: "tick" }, category));
      }
    });
    return svg;
  }

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
    [["region", "By region"], ["account_age", "By account age at case time"]].forEach(([slice, heading]) => {
      const part = fairness[slice];
      if (!part) return;
      const box = el("div", null, "slice");
      box.dataset.slice = slice;
      box.append(el("h3", heading));
      const groups = part.groups || [];
      if (!groups.length) { box.append(note("No cases.")); els.fairness.append(box); return; }
      box.append(fairnessChart(slice, groups), ...gapLines(slice, groups, part.gap || {}));
      els.fairness.append(box);
    });
  }

  function fairnessChart(slice, groups) {
    const ends = FAIRNESS_METRICS.map(([key]) => extremes(groups, key));
    const description = groups.map((g) => g.group + " (" + g.cases + " cases): auto-approval " + pct(g.auto_approval_rate) +
      ", escalation " + pct(g.escalation_rate)).join("; ");
    return hbarChart({
      title: "Auto-approval and escalation rates " + (slice === "region" ? "by region" : "by account age"),
      description, max: 1, format: pct,
      series: FAIRNESS_METRICS.map(([, , name, className]) => ({ name, className })),
      groups: groups.map((g) => ({
        label: g.group + " · " + count(g.cases) + (g.cases === 1 ? " case" : " cases"),
        bars: FAIRNESS_METRICS.map(([key, , name, className], i) => ({
          value: g[key], className,
          highlight: Boolean(ends[i] && ends[i].high[key] > ends[i].low[key] && (ends[i].high === g || ends[i].low === g)),
          title: g.group + ", " + name + ": " + pct(g[key]) + " of " + g.cases + " cases",
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
      ["Arm", "Buyers", "Cases (exposures)"].concat(metrics.map(([, label]) => label)),
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

  function renderReport(report) {
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
    renderFairness(report.fairness || {});
    renderClusters(sections.clusters || { available: false, note: "the report has no such section." });
    renderExperiments(sections.experiments || { available: false, note: "the report has no such section." });
    renderDefinitions(report.definitions);
  }

  // ---- the window ----------------------------------------------------------------------------------

  // A quick window: the last `hours` up to now (to the minute).
  function usePreset(hours) {
    state.hours = hours;
    state.until = new Date(Math.floor(Date.now() / 60000) * 60000);
    state.since = new Date(state.until.getTime() - hours * HOUR_MS);
    els.sinceInput.value = isoDay(state.since);
    els.untilInput.value = isoDay(state.until);
    els.quick.forEach((b) => b.setAttribute("aria-pressed", String(Number(b.dataset.hours) === hours)));
  }

  // Whole UTC days from the date inputs; "To" is inclusive, the API's until is exclusive.
  function useDates() {
    const since = new Date(els.sinceInput.value + "T00:00:00Z");
    const last = new Date(els.untilInput.value + "T00:00:00Z");
    if (Number.isNaN(since.getTime()) || Number.isNaN(last.getTime())) throw new Error("Pick both dates.");
    if (last < since) throw new Error("The “To” date is before the “From” date.");
    state.hours = null;
    state.since = since;
    state.until = new Date(last.getTime() + DAY_MS);
    els.quick.forEach((b) => b.setAttribute("aria-pressed", "false"));
  }

  function describeWindow(report) {
    const w = report.window || {};
    els.windowText.textContent = "Conversations created " + stamp(w.since) + " – " + stamp(w.until) + " UTC (until exclusive), per " +
      (w.grain || "day") + " · generated " + stamp(report.generated_at) + " UTC";
  }

  // ---- talking to the API --------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || "request failed (" + status + ")");
      this.status = status;
    }
  }

  async function api(path) {
    const response = await fetch(API + path, { headers: { Authorization: "Bearer " + state.token } });
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (response.status === 401 || response.status === 403) {
      signOut(response.status === 403
        ? "This dashboard needs an agent token (role agent); this token cannot read analytics."
        : "Your token was refused; paste a new one.");
      throw new ApiError(response.status, data);
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  async function load() {
    const mine = ++state.request;
    const query = new URLSearchParams({ since: isoSeconds(state.since), until: isoSeconds(state.until) });
    els.dashboard.setAttribute("aria-busy", "true");
    els.windowText.textContent = "Loading " + isoDay(state.since) + " – " + isoDay(new Date(state.until.getTime() - 1)) + "…";
    clearError();
    try {
      const report = await api("/analytics/report?" + query);
      if (mine !== state.request) return; // a newer window was asked for meanwhile
      renderReport(report);
    } catch (err) {
      if (mine !== state.request) return;
      els.windowText.textContent = "";
      if (!(err instanceof ApiError && (err.status === 401 || err.status === 403))) showError("Could not load the report: " + (err.message || err));
    } finally {
      if (mine === state.request) els.dashboard.removeAttribute("aria-busy");
    }
  }

  function showError(message) {
    els.errorText.textContent = message;
    els.error.hidden = false;
  }

  function clearError() {
    els.error.hidden = true;
  }

  // ---- sign in (the console's token, the console's storage key) ------------------------------------

  function subjectOf(token) {
    try {
      const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      return payload.sub || "";
    } catch (_) { return ""; }
  }

  function signIn(token) {
    state.token = token.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    els.login.hidden = true;
    els.dashboard.hidden = false;
    els.signOut.hidden = false;
    els.signedIn.textContent = "Signed in as " + (subjectOf(state.token) || "agent");
    usePreset(state.hours || DEFAULT_HOURS);
    load();
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.request++;
    els.dashboard.hidden = true;
    els.signOut.hidden = true;
    els.signedIn.textContent = "";
    els.login.hidden = false;
    if (message) showError(message);
  }

  // ---- wiring --------------------------------------------------------------------------------------

  els.loginForm.addEventListener("submit", (e) => { e.preventDefault(); if (els.tokenInput.value.trim()) signIn(els.tokenInput.value); });
  els.signOut.addEventListener("click", () => signOut());
  els.errorDismiss.addEventListener("click", clearError);
  els.quick.forEach((b) => b.addEventListener("click", () => { usePreset(Number(b.dataset.hours)); load(); }));
  [els.sinceInput, els.untilInput].forEach((input) => input.addEventListener("input", () => {
    state.hours = null;
    els.quick.forEach((b) => b.setAttribute("aria-pressed", "false"));
  }));
  els.windowForm.addEventListener("submit", (e) => {
    e.preventDefault();
    try {
      if (state.hours) usePreset(state.hours); else useDates();
    } catch (err) {
      showError(err.message);
      return;
    }
    load();
  });

  const fromUrl = new URLSearchParams(location.search).get("token");
  if (fromUrl) {
    history.replaceState(null, "", location.pathname); // the token leaves the address bar
    signIn(fromUrl);
  } else if (sessionStorage.getItem(TOKEN_KEY)) {
    signIn(sessionStorage.getItem(TOKEN_KEY));
  } else {
    els.login.hidden = false;
  }
})();
