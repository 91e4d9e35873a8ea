// What the three pages (buyer chat, agent console, analytics dashboard) share: calling the API of
// the contract, its one error type, the token and the sign-in panel of the base template, building
// elements, money and dates. An ES module: each page script imports what it uses from here.
// Every value from the server goes on the page as text (textContent), never as HTML.

const API = "/v1";

// ---- the API ---------------------------------------------------------------------------------------

// One error for everything a call can go wrong with. The server's own errors come in the contract's
// envelope {"error": {"code", "message", "field"}}; status 0 means the server was not reached.
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }

  // The token was refused (401) or does not carry the role the page needs (403).
  get refused() {
    return this.status === 401 || this.status === 403;
  }
}

const session = { token: null, onRefused: null };

// `handler(err)` runs when a call's token is refused (401/403), before api() throws: the
// agent pages sign out there. Without one, the caller sees the ApiError like any other.
export function whenRefused(handler) {
  session.onRefused = handler;
}

// A call to the API on this origin with the page's bearer token; `body` is sent as JSON. Resolves
// to the answer's JSON object (null for an empty answer), rejects with an ApiError.
export async function api(method, path, body, extraHeaders = {}) {
  const headers = { ...extraHeaders, Accept: "application/json", Authorization: `Bearer ${session.token}` };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(API + path, init);
  } catch (_) {
    throw new ApiError(0, "network_error", "Could not reach the server. Check your connection and try again.");
  }
  const raw = await response.text();
  let data = null;
  try {
    data = raw ? JSON.parse(raw) : null;
  } catch (_) {
    data = undefined; // not JSON at all
  }
  if (!response.ok) {
    const e = data && typeof data === "object" ? data.error : null;
    const err = e && typeof e.message === "string"
      ? new ApiError(response.status, e.code || "error", e.message, e.field)
      : new ApiError(response.status, `http_${response.status}`,
        `The server answered ${response.status} ${response.statusText || ""}`.trim() + ".");
    if (err.refused && session.onRefused) session.onRefused(err);
    throw err;
  }
  if (data === null && !raw) return null;
  if (data === null || typeof data !== "object") {
    throw new ApiError(response.status, "bad_response", "The server sent an answer this page cannot read.");
  }
  return data;
}

// A fresh Idempotency-Key: one per write, reused only to retry that same write.
export function idempotencyKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- the token -------------------------------------------------------------------------------------

// The claims of a JWT, read without checking it (the server checks it): only to greet by name.
export function jwtPayload(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(part.padEnd(Math.ceil(part.length / 4) * 4, "=")));
    return claims && typeof claims === "object" ? claims : null;
  } catch (_) {
    return null;
  }
}

export function tokenSubject(token) {
  const claims = jwtPayload(token || "");
  return claims && typeof claims.sub === "string" ? claims.sub : null;
}

// A `?token=` in the address: taken out of the address bar, the history and bookmarks (other
// parameters stay) and returned; null without one.
export function takeTokenFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const token = (params.get("token") || "").trim();
  if (!token) return null;
  params.delete("token");
  const query = params.toString();
  history.replaceState(null, "", window.location.pathname + (query ? `?${query}` : "") + window.location.hash);
  return token;
}

// The sign-in of the base template (#login, #login-form, #token-input, #signed-in-as, #sign-out).
// The token lives in this tab's sessionStorage under `storageKey` (the console and the dashboard
// share theirs: one sign-in for both). `main` is the page's panel, shown while signed in.
// onSignIn(token, previousToken) runs after every sign-in; onSignOut(reason) after every sign-out.
export function signInPanel({ storageKey, main, defaultName = "", onSignIn, onSignOut }) {
  const $ = (id) => document.getElementById(id);
  const login = $("login"), form = $("login-form"), input = $("token-input");
  const signedInAs = $("signed-in-as"), signOutButton = $("sign-out");

  function signIn(raw) {
    const token = raw.trim();
    const previous = sessionStorage.getItem(storageKey);
    session.token = token;
    sessionStorage.setItem(storageKey, token);
    login.hidden = true;
    main.hidden = false;
    signOutButton.hidden = false;
    const name = tokenSubject(token) || defaultName;
    signedInAs.textContent = name ? `Signed in as ${name}` : "";
    if (onSignIn) onSignIn(token, previous);
  }

  function signOut(reason) {
    sessionStorage.removeItem(storageKey);
    session.token = null;
    forgetMedia(); // the next token's reader may not see these photos
    main.hidden = true;
    signOutButton.hidden = true;
    signedInAs.textContent = "";
    login.hidden = false;
    if (onSignOut) onSignOut(reason);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) signIn(input.value);
  });
  signOutButton.addEventListener("click", () => signOut());

  // Signs in with the address's token, else this tab's stored one, else shows the panel.
  function start() {
    const token = takeTokenFromUrl() || sessionStorage.getItem(storageKey);
    if (token) signIn(token);
    else signOut();
  }

  return { signIn, signOut, start, token: () => session.token };
}

// ---- the page ----------------------------------------------------------------------------------------

// An element with text (never markup) and a class.
export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// The error banner (#error, #error-text, #error-dismiss): show(text), clear().
export function errorBanner() {
  const box = document.getElementById("error");
  const text = document.getElementById("error-text");
  const banner = {
    show(message) {
      text.textContent = message;
      box.hidden = false;
    },
    clear() {
      box.hidden = true;
      text.textContent = "";
    },
  };
  document.getElementById("error-dismiss").addEventListener("click", () => banner.clear());
  return banner;
}

// ---- money and dates ---------------------------------------------------------------------------------

const missing = (v) => v === null || v === undefined || v === "" || Number.isNaN(Number(v));

// An amount in its currency, the way the agent side writes it on the server (bot.assist.facts):
// "$60.00" in US dollars, "EUR 1,234.50" in any other currency, "12.00" when the data names none.
export function money(amount, currency) {
  if (missing(amount)) return "—";
  const value = Number(amount).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (!currency) return value;
  return currency === "USD" ? `$${value}` : `${currency} ${value}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// A moment as "13 Nov 2026 15:04" (day first, 24-hour clock, the same on every machine), in the
// browser's time zone or in UTC. Options: date (the day part), time (the clock part), seconds, utc.
export function formatDate(value, { date = true, time = true, seconds = false, utc = false } = {}) {
  const d = value instanceof Date ? value : new Date(value);
  if (value === null || value === undefined || value === "" || Number.isNaN(d.getTime())) return "—";
  const part = (name) => (utc ? d[`getUTC${name}`]() : d[`get${name}`]());
  const two = (n) => String(n).padStart(2, "0");
  const parts = [];
  if (date) parts.push(`${part("Date")} ${MONTHS[part("Month")]} ${part("FullYear")}`);
  if (time) parts.push(`${two(part("Hours"))}:${two(part("Minutes"))}` + (seconds ? `:${two(part("Seconds"))}` : ""));
  return parts.join(" ");
}

// ---- photos --------------------------------------------------------------------------------------

// Uploaded photos (/v1/media/<key>, and <key>/thumbnail) are served to their owner and to agents
// only, behind the same bearer token as every API call. An <img src> cannot send that header,
// and a token in a URL would end up in logs and histories, so the page fetches the bytes with
// the token and shows them from a blob: URL, kept per path for the page's life.
const MEDIA_PREFIX = `${API}/media/`;
const mediaUrls = new Map(); // path -> Promise of a blob: URL

export function isOwnMedia(url) {
  return typeof url === "string" && url.startsWith(MEDIA_PREFIX);
}

export function mediaBlobUrl(path) {
  if (!mediaUrls.has(path)) {
    const loading = fetch(path, { headers: { Authorization: `Bearer ${session.token}` } })
      .then(async (response) => {
        if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, "The photo could not be loaded.");
        return URL.createObjectURL(await response.blob());
      });
    loading.catch(() => mediaUrls.delete(path)); // a later look tries again
    mediaUrls.set(path, loading);
  }
  return mediaUrls.get(path);
}

// A blob: URL the page already has for `path` (the photo the buyer just picked).
export function rememberMedia(path, blobUrl) {
  mediaUrls.set(path, Promise.resolve(blobUrl));
}

function forgetMedia() {
  mediaUrls.forEach((loading) => loading.then((url) => URL.revokeObjectURL(url), () => {}));
  mediaUrls.clear();
}

// An <img> of an uploaded photo, filled once its bytes arrive; alt text says when they cannot.
export function mediaImage(path, alt) {
  const img = el("img");
  img.alt = alt;
  mediaBlobUrl(path).then((url) => { img.src = url; }, () => { img.alt = `${alt} (could not be loaded)`; });
  return img;
}

let viewer = null;

// The full-size photo in a modal dialog over the page (Escape, the Close button or a click
// outside the photo closes it).
export function showPhoto(path) {
  if (!viewer) {
    viewer = el("dialog", null, "photo-viewer");
    viewer.setAttribute("aria-label", "Photo, full size");
    const close = el("button", "Close", "photo-viewer-close");
    close.type = "button";
    close.addEventListener("click", () => viewer.close());
    viewer.addEventListener("click", (event) => { if (event.target === viewer) viewer.close(); });
    viewer.append(close, el("img"));
    document.body.append(viewer);
  }
  const img = viewer.querySelector("img");
  img.removeAttribute("src");
  img.alt = "Photo, full size";
  viewer.showModal();
  mediaBlobUrl(path).then((url) => { img.src = url; }, () => { img.alt = "The photo could not be loaded."; });
}

// POST a photo file as multipart `file` to `path` (under /v1) with the page's token. XHR, not
// fetch: only XHR reports upload progress, onProgress(fraction). Resolves to the answer's JSON,
// rejects with an ApiError like api().
export function uploadFile(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", API + path);
    xhr.setRequestHeader("Authorization", `Bearer ${session.token}`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch (_) {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data && typeof data === "object") {
        resolve(data);
        return;
      }
      const e = data && typeof data === "object" ? data.error : null;
      const err = e && typeof e.message === "string"
        ? new ApiError(xhr.status, e.code || "error", e.message, e.field)
        : new ApiError(xhr.status, `http_${xhr.status}`, `The server answered ${xhr.status}.`);
      if (err.refused && session.onRefused) session.onRefused(err);
      reject(err);
    });
    xhr.addEventListener("error", () => {
      reject(new ApiError(0, "network_error", "Could not reach the server. Check your connection and try again."));
    });
    const form = new FormData();
    form.append("file", file, file.name || "photo");
    xhr.send(form);
  });
}
