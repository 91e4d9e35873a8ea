// The analytics dashboard: one window's report (GET /v1/analytics/report) as tiles, charts and
// tables (drawn by analytics-report.js). This module owns the page: sign-in (the console's token),
// the reporting window and loading. Vanilla JS, no dependencies, nothing loaded from elsewhere.
import { api, errorBanner, signInPanel, whenRefused } from "./common.js";
import { dayText, isoDay, isoSeconds } from "./analytics-charts.js";
import { renderReport } from "./analytics-report.js";

const TOKEN_KEY = "aftersales.console.token"; // shared with the console: one sign-in for both
const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
const DEFAULT_HOURS = 168;

const $ = (id) => document.getElementById(id);
const els = {
  dashboard: $("dashboard"), report: $("report"), empty: $("empty"), loading: $("loading"),
  windowForm: $("window-form"), sinceInput: $("since-input"), untilInput: $("until-input"),
  windowText: $("window-text"), quick: document.querySelectorAll(".quick button"),
};

const state = { hours: DEFAULT_HOURS, since: null, until: null, request: 0 };

// ---- the window ----------------------------------------------------------------------------------

// A quick window: the last `hours` up to the end of the current UTC hour. Whole hours, so the
// same window is asked for all hour long and the server answers it from its cache (it keeps each
// window's report until the store changes, and refreshes these windows in the background).
function usePreset(hours) {
  state.hours = hours;
  state.until = new Date((Math.floor(Date.now() / HOUR_MS) + 1) * HOUR_MS);
  state.since = new Date(state.until.getTime() - hours * HOUR_MS);
  els.sinceInput.value = isoDay(state.since);
  els.untilInput.value = isoDay(new Date(state.until.getTime() - 1));
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

// ---- loading -------------------------------------------------------------------------------------

async function load() {
  const mine = ++state.request;
  const query = new URLSearchParams({ since: isoSeconds(state.since), until: isoSeconds(state.until) });
  const range = dayText(state.since) + " – " + dayText(new Date(state.until.getTime() - 1));
  // The previous window's figures go away at once: nothing on screen may look like the answer
  // for the window being loaded.
  els.dashboard.setAttribute("aria-busy", "true");
  els.report.hidden = true;
  els.empty.hidden = true;
  els.loading.textContent = "Loading the report for " + range + " (UTC)… A window not computed since the last " +
    "change of the data takes longer (up to half a minute).";
  els.loading.hidden = false;
  els.windowText.textContent = "Loading " + range + "…";
  errors.clear();
  try {
    const report = await api("GET", "/analytics/report?" + query);
    if (mine !== state.request) return; // a newer window was asked for meanwhile
    renderReport(report);
  } catch (err) {
    if (mine !== state.request) return;
    els.windowText.textContent = "";
    if (!err.refused) errors.show("Could not load the report: " + (err.message || err));
  } finally {
    if (mine === state.request) {
      els.dashboard.removeAttribute("aria-busy");
      els.loading.hidden = true;
    }
  }
}

// ---- sign in (the console's token, the console's storage key) ------------------------------------

const errors = errorBanner();
const panel = signInPanel({
  storageKey: TOKEN_KEY,
  main: els.dashboard,
  defaultName: "agent",
  onSignIn: () => {
    usePreset(state.hours || DEFAULT_HOURS);
    load();
  },
  onSignOut: (message) => {
    state.request++; // an answer still on its way is for the previous token: dropped
    if (message) errors.show(message);
  },
});
whenRefused((err) => panel.signOut(err.status === 403
  ? "This dashboard needs an agent token (role agent); this token cannot read analytics."
  : "Your token was refused; paste a new one."));

// ---- wiring --------------------------------------------------------------------------------------

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
    errors.show(err.message);
    return;
  }
  load();
});

panel.start();
