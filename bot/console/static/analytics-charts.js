// The analytics dashboard's formatting and drawing: numbers as text, tables, and charts as
// inline SVG built here (no library). Every value is written with textContent or as an SVG
// attribute, never as markup.
import { el, money } from "./common.js";

const SVG_NS = "http://www.w3.org/2000/svg";
let chartIds = 0;

// ---- formatting --------------------------------------------------------------------------------

export const missing = (v) => v === null || v === undefined || Number.isNaN(v);

export function pct(value) {
  return missing(value) ? "—" : (value * 100).toFixed(1) + "%";
}

export function points(value) {
  return missing(value) ? "—" : (value * 100).toFixed(1) + " pp";
}

export function count(value) {
  return missing(value) ? "—" : Number(value).toLocaleString("en-US");
}

export function amounts(byCurrency) {
  const entries = Object.entries(byCurrency || {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([c, v]) => money(v, c)).join(" · ") : "nothing paid";
}

export function duration(minutes) {
  if (missing(minutes)) return "—";
  if (minutes < 1) return Math.round(minutes * 60) + " s";
  if (minutes < 120) return minutes.toFixed(1) + " min";
  return (minutes / 60).toFixed(1) + " h";
}

export function pValue(p) {
  if (missing(p)) return "—";
  return p < 0.001 ? "< 0.001" : p.toPrecision(2);
}

export function words(code) {
  return String(code).replace(/_/g, " ");
}

function two(n) {
  return String(n).padStart(2, "0");
}

export function isoDay(date) {
  return date.getUTCFullYear() + "-" + two(date.getUTCMonth() + 1) + "-" + two(date.getUTCDate());
}

export function isoSeconds(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

// Dates as text in the browser's own numeric format, the one its date pickers show (a US
// browser: 11/25/2026, a British one: 25/11/2026), always of the UTC day; times as 24-hour UTC.
const DAY_FORMAT = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" });
const SHORT_DAY_FORMAT = new Intl.DateTimeFormat(undefined, { month: "2-digit", day: "2-digit", timeZone: "UTC" });

export function dayText(date) {
  return DAY_FORMAT.format(date);
}

export function stampText(value) {
  const date = value instanceof Date ? value : new Date(value);
  if (value === null || value === undefined || Number.isNaN(date.getTime())) return "—";
  return dayText(date) + " " + two(date.getUTCHours()) + ":" + two(date.getUTCMinutes());
}

export function bucketLabel(iso, grain) {
  const date = new Date(iso);
  const day = SHORT_DAY_FORMAT.format(date);
  return grain === "hour" ? day + " " + two(date.getUTCHours()) + ":00" : day;
}

// ---- DOM helpers ---------------------------------------------------------------------------------

export function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, String(v)));
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function note(text) {
  return el("p", text, "muted section-note");
}

// A table whose first column heads the rows; columns listed in `text` are left-aligned,
// the others are numbers (right-aligned).
export function table(caption, headers, rows, text) {
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
export function chart(width, height, title, description) {
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
export function hbarChart({ title, description, groups, max, format, series }) {
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

export function simpleBars(title, rows, unit, part) {
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
export function columnChart({ title, description, categories, series, yLabel }) {
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
