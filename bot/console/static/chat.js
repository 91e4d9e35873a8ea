// The buyer chat page. Talks to the conversation API of the contract (same origin):
//   POST /v1/conversations, POST /v1/conversations/{id}/messages, GET /v1/conversations/{id},
//   and the extension GET /v1/conversations (the buyer's own, most recently updated first).
// On opening it continues the tab's conversation, else resumes the buyer's open one (not
// closed, e.g. waiting for an agent) with its whole history, else greets with WELCOME (a static
// line of the page, not part of any transcript) and starts a conversation on the first send.
// Photos: the camera button opens a file picker (and a field for a photo's link); a chosen file is
// uploaded at once (POST /v1/conversations/{id}/photos, with progress) and its attachment sent
// with the next message.
// Everything the server sends is put on the page as text (textContent), never as HTML. The
// plumbing (api, ApiError, sign-in, el, money) is common.js's; messages are built in chat-render.js.
import {
  ApiError, api, el, errorBanner, idempotencyKey, isOwnMedia, rememberMedia, signInPanel,
  uploadFile,
} from "./common.js";
import {
  buildMessage, fillActionCard, loadClauseTitles, safeHttpUrl, signature, uploadedPhoto,
} from "./chat-render.js";

const TOKEN_KEY = "aftersales.chat.token";
const CONVERSATION_KEY = "aftersales.chat.conversation";
const POLL_MS = 2000;
const MAX_ATTACHMENTS = 5;
// The server's default limit (AFTERSALES_MEDIA_MAX_BYTES); checked here too so that a phone does
// not send 20 MB only to hear it was too big.
const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

const PLACEHOLDERS = {
  order_id: "Your order number…",
  reason: "What happened?",
  evidence: "Add details or a photo…",
  confirmation: "Yes or No…",
  choice: "Your choice…",
};
const DEFAULT_PLACEHOLDER = "Type your message…";
const WELCOME =
  "Hello! I'm the after-sales assistant. Tell me what happened with your order: a refund, a " +
  "return, a cancellation, or a parcel that is late, missing or damaged.";

const $ = (id) => document.getElementById(id);
const els = {
  login: $("login"),
  loginForm: $("login-form"),
  tokenInput: $("token-input"),
  chat: $("chat"),
  newConversation: $("new-conversation"),
  banner: $("status-banner"),
  messages: $("messages"),
  typing: $("typing"),
  quickReplies: $("quick-replies"),
  composer: $("composer"),
  input: $("message-input"),
  send: $("send"),
  attachToggle: $("attach-toggle"),
  attachRow: $("attach-row"),
  photoUrl: $("photo-url"),
  photoAdd: $("photo-add"),
  photoFile: $("photo-file"),
  pending: $("pending-attachments"),
};

const state = {
  conversationId: null,
  status: null,
  rendered: [], // transcript messages on the page, in order: {sig, el}
  actionCards: new Map(), // action_id -> card element
  quickReplies: [],
  attachments: [], // {type: "image", url[, media_id, thumbnail_url]} waiting to be sent
  uploads: [], // photos being uploaded, or whose upload failed: {name, preview, progress, error}
  creating: null, // the promise of the conversation being started
  sending: false,
  epoch: 0, // bumped by every send, so a poll answer from before it is dropped
  pollTimer: null,
  errorSource: null,
  loading: null, // the promise of the opening load (tab's or open conversation), while it runs
  // A message that may or may not have reached the server (network error, 5xx): sending the
  // same again reuses its Idempotency-Key, so the server runs the turn at most once.
  retry: null, // {sig, key}
};

const conversationPath = (suffix = "") =>
  `/conversations/${encodeURIComponent(state.conversationId)}${suffix}`;

// ---- errors --------------------------------------------------------------------------------

function showError(err, context, source) {
  let text = err instanceof ApiError ? err.message : String(err && err.message ? err.message : err);
  if (context) text = `${context}: ${text}`;
  if (err instanceof ApiError) {
    const details = [];
    if (err.field && !err.message.includes(err.field)) details.push(`field “${err.field}”`);
    if (err.status) details.push(`error ${err.status} ${err.code}`);
    if (details.length) text += ` (${details.join(", ")})`;
  }
  errors.show(text);
  state.errorSource = source || "send";
}

function clearError(source) {
  if (source && state.errorSource !== source) return;
  errors.clear();
  state.errorSource = null;
}

// ---- sign in -------------------------------------------------------------------------------

const errors = errorBanner();
const panel = signInPanel({
  storageKey: TOKEN_KEY,
  main: els.chat,
  onSignIn: (token, previous) => {
    if (previous !== token) sessionStorage.removeItem(CONVERSATION_KEY); // someone else's chat
    const note = els.login.querySelector(".login-error");
    if (note) note.remove();
    showChat();
  },
  // `refused`: the ApiError of a refused token; without one, the buyer signed out.
  onSignOut: (refused) => {
    stopPolling();
    els.newConversation.hidden = true;
    els.tokenInput.value = "";
    if (refused) {
      // The error box lives in the chat panel; on the login panel say it in the form.
      let note = els.login.querySelector(".login-error");
      if (!note) {
        note = el("p", null, "login-error");
        note.setAttribute("role", "alert");
        els.loginForm.before(note);
      }
      note.textContent = `Your token was refused: ${refused.message}`;
    } else {
      sessionStorage.removeItem(CONVERSATION_KEY);
      setConversation(null);
      resetConversationView();
    }
    els.tokenInput.focus();
  },
});

function handleUnauthorized(err) {
  panel.signOut(err);
}

// ---- rendering -----------------------------------------------------------------------------

function scrollToEnd() {
  els.messages.scrollTop = els.messages.scrollHeight;
}

function appendMessage(message, options) {
  const node = buildMessage(message, options);
  els.messages.append(node);
  const entry = { sig: signature(message), el: node };
  state.rendered.push(entry);
  scrollToEnd();
  return entry;
}

// The greeting of a buyer with no open conversation: a bot bubble outside the transcript.
function showWelcome() {
  if (els.messages.querySelector(".msg-welcome")) return;
  const node = buildMessage({ role: "bot", text: WELCOME });
  node.classList.add("msg-welcome");
  els.messages.prepend(node);
}

function removeEntry(entry) {
  const i = state.rendered.indexOf(entry);
  if (i >= 0) state.rendered.splice(i, 1);
  entry.el.remove();
}

function upsertAction(action) {
  if (!action || typeof action !== "object") return;
  const key = action.action_id || `${action.type}:${action.order_id}:${action.amount}`;
  let card = state.actionCards.get(key);
  if (!card) {
    card = document.createElement("li");
    card.className = "action-card";
    card.dataset.actionId = key;
    card.setAttribute("aria-label", "Action on your order");
    els.messages.append(card);
    state.actionCards.set(key, card);
    scrollToEnd();
  }
  fillActionCard(card, action);
}

function setQuickReplies(replies) {
  state.quickReplies = Array.isArray(replies) ? replies.filter((r) => typeof r === "string") : [];
  els.quickReplies.replaceChildren();
  state.quickReplies.forEach((reply) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "quick-reply";
    button.textContent = reply;
    button.disabled = state.sending || state.status === "closed";
    button.addEventListener("click", () => send(reply, { fromQuickReply: true }));
    els.quickReplies.append(button);
  });
  els.quickReplies.hidden = state.quickReplies.length === 0;
}

function setExpecting(expecting) {
  els.input.placeholder = PLACEHOLDERS[expecting] || DEFAULT_PLACEHOLDER;
}

function setStatus(status) {
  if (!status) return;
  state.status = status;
  els.banner.replaceChildren();
  els.banner.className = "banner";
  const closed = status === "closed";
  if (status === "waiting_for_agent") {
    els.banner.classList.add("banner-agent");
    els.banner.textContent =
      "A customer-service agent is handling your case. Their replies will appear here.";
    els.banner.hidden = false;
    startPolling();
  } else if (closed) {
    els.banner.classList.add("banner-closed");
    const text = document.createElement("span");
    text.textContent = "This conversation is closed.";
    const again = document.createElement("button");
    again.type = "button";
    again.className = "link-button";
    again.textContent = "Start a new conversation";
    again.addEventListener("click", newConversation);
    els.banner.append(text, " ", again);
    els.banner.hidden = false;
    stopPolling();
    setQuickReplies([]);
  } else {
    els.banner.hidden = true;
    stopPolling();
  }
  els.input.disabled = closed;
  els.send.disabled = closed || state.sending;
  els.attachToggle.disabled = closed;
  els.photoAdd.disabled = closed;
  els.photoUrl.disabled = closed;
  els.photoFile.disabled = closed;
}

function applyTranscript(data) {
  const messages = Array.isArray(data.messages) ? data.messages : [];
  // Keep what is already on the page and matches; redraw from the first difference on, so
  // only new messages are added (and announced by the live region).
  let same = 0;
  while (same < state.rendered.length && same < messages.length &&
         state.rendered[same].sig === signature(messages[same])) {
    same += 1;
  }
  state.rendered.splice(same).forEach((entry) => entry.el.remove());
  messages.slice(same).forEach((m) => appendMessage(m));
  (Array.isArray(data.actions) ? data.actions : []).forEach(upsertAction);
  if ("quick_replies" in data) setQuickReplies(data.quick_replies);
  else if (data.status && data.status !== state.status) setQuickReplies([]);
  if ("expecting" in data) setExpecting(data.expecting);
  setStatus(data.status);
}

function resetConversationView() {
  stopPolling();
  state.rendered = [];
  state.actionCards.clear();
  state.status = null;
  els.messages.replaceChildren();
  // Uploaded photos belong to the conversation they were uploaded into.
  state.attachments = state.attachments.filter((a) => !isOwnMedia(a.url));
  state.uploads = [];
  renderPendingAttachments();
  setQuickReplies([]);
  setExpecting(null);
  setStatus("bot");
  clearError();
}

function setConversation(id) {
  if (id !== state.conversationId) state.retry = null;
  state.conversationId = id;
  if (id) sessionStorage.setItem(CONVERSATION_KEY, id);
  else sessionStorage.removeItem(CONVERSATION_KEY);
  els.newConversation.hidden = !id;
}

function newConversation() {
  setConversation(null);
  resetConversationView();
  showWelcome();
  els.input.focus();
}

// ---- polling while a person handles the case ----------------------------------------------

function startPolling() {
  if (state.pollTimer === null) state.pollTimer = setTimeout(pollOnce, POLL_MS);
}

function stopPolling() {
  if (state.pollTimer !== null) clearTimeout(state.pollTimer);
  state.pollTimer = null;
}

async function pollOnce() {
  state.pollTimer = null;
  if (!state.conversationId || state.status !== "waiting_for_agent") return;
  const epoch = state.epoch;
  try {
    const data = await api("GET", conversationPath());
    if (epoch === state.epoch && !state.sending) {
      clearError("poll");
      applyTranscript(data);
    }
  } catch (err) {
    if (err.status === 401) return handleUnauthorized(err);
    showError(err, "Could not check for new replies (retrying)", "poll");
  }
  if (state.status === "waiting_for_agent") startPolling();
}

// ---- sending -------------------------------------------------------------------------------

function setBusy(busy) {
  state.sending = busy;
  const closed = state.status === "closed";
  els.send.disabled = busy || closed;
  els.typing.textContent =
    state.status === "waiting_for_agent" ? "Sending…" : "The assistant is typing…";
  els.typing.hidden = !busy;
  els.quickReplies.querySelectorAll("button").forEach((b) => { b.disabled = busy || closed; });
}

function renderPendingAttachments() {
  els.pending.replaceChildren();
  state.uploads.forEach((upload) => els.pending.append(renderUpload(upload)));
  state.attachments.forEach((attachment, index) => {
    const li = document.createElement("li");
    li.className = "pending-attachment";
    const name = isOwnMedia(attachment.url)
      ? uploadedPhoto(attachment)
      : el("span", attachment.url, "attachment-url");
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label",
      `Remove photo ${isOwnMedia(attachment.url) ? index + 1 : attachment.url}`);
    remove.addEventListener("click", () => {
      state.attachments.splice(index, 1);
      renderPendingAttachments();
    });
    li.append(name, " ", remove);
    els.pending.append(li);
  });
  els.pending.hidden = state.attachments.length === 0 && state.uploads.length === 0;
}

// A photo on its way up (its preview, a progress bar), or one that failed (why; Remove).
function renderUpload(upload) {
  const li = el("li", null, "pending-attachment uploading");
  const img = el("img");
  img.src = upload.preview;
  img.alt = `Photo ${upload.name}`;
  li.append(img);
  if (upload.error) {
    li.classList.add("failed");
    li.append(el("span", `Not uploaded: ${upload.error}`, "upload-error"));
    const remove = el("button", "Remove", "link-button");
    remove.type = "button";
    remove.addEventListener("click", () => {
      state.uploads.splice(state.uploads.indexOf(upload), 1);
      URL.revokeObjectURL(upload.preview);
      renderPendingAttachments();
    });
    li.append(" ", remove);
  } else {
    upload.bar = el("progress");
    upload.bar.max = 100;
    upload.bar.setAttribute("aria-label", `Uploading ${upload.name}`);
    upload.note = el("span", null, "upload-status");
    li.append(upload.bar, upload.note);
    showProgress(upload);
  }
  return li;
}

function showProgress(upload) {
  const percent = Math.round(upload.progress * 100);
  upload.bar.value = percent;
  upload.note.textContent = `Uploading… ${percent}%`;
}

// The conversation the next message or photo goes to, started if there is none yet.
async function ensureConversation() {
  if (state.conversationId) return state.conversationId;
  if (!state.creating) {
    state.creating = api("POST", "/conversations", {}).then((created) => {
      if (!created.conversation_id) {
        throw new ApiError(0, "bad_response", "The server did not return a conversation id.");
      }
      setConversation(created.conversation_id);
      return created.conversation_id;
    }).finally(() => { state.creating = null; });
  }
  return state.creating;
}

function uploadsInFlight() {
  return state.uploads.some((u) => !u.error);
}

async function uploadPhoto(file) {
  const upload = { name: file.name || "photo", preview: URL.createObjectURL(file), progress: 0, error: null };
  state.uploads.push(upload);
  renderPendingAttachments();
  if (file.size > MAX_PHOTO_BYTES) {
    upload.error = `the photo is larger than ${MAX_PHOTO_BYTES / (1024 * 1024)} MB`;
    renderPendingAttachments();
    return;
  }
  try {
    const conversationId = await ensureConversation();
    const attachment = await uploadFile(conversationPath("/photos"), file, (fraction) => {
      upload.progress = fraction;
      if (upload.bar) showProgress(upload);
    });
    if (conversationId !== state.conversationId || !state.uploads.includes(upload)) {
      return; // the buyer moved to another conversation meanwhile: the photo was that one's
    }
    const sendable = {
      type: "image", url: attachment.url, media_id: attachment.media_id, thumbnail_url: attachment.thumbnail_url,
    };
    // The file just picked is the photo: no need to download it again to show it.
    rememberMedia(sendable.thumbnail_url, upload.preview);
    rememberMedia(sendable.url, upload.preview);
    state.uploads.splice(state.uploads.indexOf(upload), 1);
    state.attachments.push(sendable);
    clearError("photo");
  } catch (err) {
    if (err.status === 401) return handleUnauthorized(err);
    upload.error = err.message || String(err);
    showError(err, "Your photo was not uploaded", "photo");
  }
  renderPendingAttachments();
}

function addFiles(files) {
  const room = MAX_ATTACHMENTS - state.attachments.length - state.uploads.length;
  const chosen = Array.from(files || []);
  if (chosen.length > room) {
    showError(new Error(`at most ${MAX_ATTACHMENTS} photos per message`), "Photo not added", "photo");
  }
  chosen.slice(0, Math.max(room, 0)).forEach((file) => uploadPhoto(file));
  els.photoFile.value = ""; // choosing the same file again is a new choice
  closeAttachRow();
  els.input.focus();
}

function addPhoto() {
  const value = els.photoUrl.value.trim();
  if (!value) {
    els.photoUrl.focus();
    return;
  }
  const url = safeHttpUrl(value);
  if (!url || !/^https?:\/\//i.test(value)) {
    showError(new Error("enter a link that starts with https:// (or http://)"),
      "That photo URL cannot be used", "photo");
    els.photoUrl.focus();
    return;
  }
  if (state.attachments.length >= MAX_ATTACHMENTS) {
    showError(new Error(`at most ${MAX_ATTACHMENTS} photos per message`),
      "Photo not added", "photo");
    return;
  }
  clearError("photo");
  state.attachments.push({ type: "image", url });
  renderPendingAttachments();
  els.photoUrl.value = "";
  els.input.focus();
}

function closeAttachRow() {
  els.attachRow.hidden = true;
  els.attachToggle.setAttribute("aria-expanded", "false");
}

async function send(rawText, options = {}) {
  if (state.loading) await state.loading; // a conversation being resumed takes this message
  if (state.sending || state.status === "closed") return;
  if (uploadsInFlight()) {
    showError(new Error("wait until your photo has finished uploading"), "Not sent yet", "photo");
    return;
  }
  const text = (rawText || "").trim();
  const attachments = state.attachments.slice();
  if (!text && attachments.length === 0) {
    els.input.focus();
    return;
  }
  const sig = JSON.stringify([text, attachments]);
  const key = state.retry && state.retry.sig === sig ? state.retry.key : idempotencyKey();
  state.epoch += 1;
  setBusy(true);
  clearError();
  const previousReplies = state.quickReplies;
  const draft = options.fromQuickReply ? null : els.input.value;
  const entry = appendMessage(
    { role: "buyer", text, attachments, created_at: new Date().toISOString() }, { pending: true });
  if (!options.fromQuickReply) els.input.value = "";
  state.attachments = [];
  renderPendingAttachments();
  setQuickReplies([]);
  autoGrow();

  try {
    await ensureConversation();
    const body = { text };
    if (attachments.length) body.attachments = attachments;
    const reply = await api("POST", conversationPath("/messages"), body, {
      "Idempotency-Key": key,
    });
    state.retry = null;
    entry.el.classList.remove("pending");
    const note = entry.el.querySelector(".msg-note");
    if (note) note.remove();
    // A turn's replies carry no time: they were written just now.
    const now = new Date().toISOString();
    (Array.isArray(reply.messages) ? reply.messages : [])
      .forEach((m) => appendMessage({ created_at: now, ...m }));
    (Array.isArray(reply.actions) ? reply.actions : []).forEach(upsertAction);
    closeAttachRow();
    setExpecting(reply.expecting);
    setBusy(false);
    setStatus(reply.status);
    setQuickReplies(reply.quick_replies);
  } catch (err) {
    // Nothing the buyer wrote is lost: the text and photos go back into the composer.
    const uncertain = !(err instanceof ApiError) || err.status === 0 || err.status >= 500;
    state.retry = uncertain ? { sig, key } : null;
    removeEntry(entry);
    if (draft !== null && !els.input.value) els.input.value = draft;
    state.attachments = attachments.concat(state.attachments);
    renderPendingAttachments();
    setBusy(false);
    setQuickReplies(previousReplies);
    autoGrow();
    if (err.status === 401) {
      handleUnauthorized(err);
      return;
    }
    if (err.status === 404 && state.conversationId) {
      setConversation(null);
      showError(err, "This conversation could not be found, so your message was not sent. " +
        "Send it again to start a new conversation");
      return;
    }
    showError(err, "Your message was not sent");
  } finally {
    setBusy(false);
  }
  els.input.focus();
}

function autoGrow() {
  if (!els.input.value) {
    els.input.style.height = ""; // back to one line, whatever the placeholder says
    return;
  }
  els.input.style.height = "auto";
  els.input.style.height = `${Math.min(els.input.scrollHeight, 140)}px`;
}

// ---- start ---------------------------------------------------------------------------------

async function loadConversation() {
  try {
    const data = await api("GET", conversationPath());
    applyTranscript(data);
  } catch (err) {
    if (err.status === 401) return handleUnauthorized(err);
    if (err.status === 404) {
      setConversation(null); // gone or not this buyer's: start afresh
      return;
    }
    showError(err, "Could not load your conversation", "load");
  }
}

// The buyer's most recently updated conversation that is not closed, if any.
async function findOpenConversation() {
  try {
    const listed = await api("GET", "/conversations?limit=20");
    const all = Array.isArray(listed.conversations) ? listed.conversations : [];
    const open = all.find((c) => c && c.conversation_id && c.status !== "closed");
    return open ? open.conversation_id : null;
  } catch (err) {
    if (err.status === 401) handleUnauthorized(err);
    else showError(err, "Could not look for your open conversation", "load");
    return null;
  }
}

async function openConversation() {
  setConversation(sessionStorage.getItem(CONVERSATION_KEY));
  if (state.conversationId) await loadConversation();
  if (!state.conversationId) {
    const open = await findOpenConversation();
    if (open) {
      setConversation(open);
      await loadConversation();
    }
  }
  if (!state.conversationId) showWelcome();
}

async function showChat() {
  resetConversationView();
  // The citations' titles; until they come (or if they cannot), a citation reads "Our policy".
  loadClauseTitles(els.messages).catch(() => {});
  els.messages.setAttribute("aria-busy", "true");
  const loading = openConversation();
  state.loading = loading;
  try {
    await loading;
  } finally {
    if (state.loading === loading) state.loading = null;
    els.messages.removeAttribute("aria-busy");
  }
  els.input.focus();
}

function wire() {
  els.newConversation.addEventListener("click", newConversation);
  els.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    send(els.input.value);
  });
  els.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(els.input.value);
    }
  });
  els.input.addEventListener("input", autoGrow);
  // The camera button opens the file picker at once; the row beside it also takes a link.
  els.attachToggle.addEventListener("click", () => {
    if (!els.attachRow.hidden) return closeAttachRow();
    els.attachRow.hidden = false;
    els.attachToggle.setAttribute("aria-expanded", "true");
    // Not the link field's focus: on a phone that would raise the keyboard over the picker.
    els.photoFile.click();
  });
  els.photoFile.addEventListener("change", () => addFiles(els.photoFile.files));
  els.photoAdd.addEventListener("click", addPhoto);
  els.photoUrl.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      addPhoto();
    }
  });
}

wire();
panel.start();
