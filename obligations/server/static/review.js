// The review page of `obligations serve`: plain JavaScript, no library, nothing fetched from
// elsewhere. Every piece of data comes from this server's /api/review/ endpoints, with the API
// key (when the server has one) in an Authorization header.
"use strict";

const S = {
  key: sessionStorage.getItem("obligations-key") || "",
  items: [], uploaded: new Set(), lowConfidence: 0.6,
  itemId: null, item: null, result: null,
  doc: 0, page: 1, field: null, editing: false,
  zoom: null,  // null: fit the width
  images: new Map(), polling: null,
};
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

// ---------------------------------------------------------------------- server

function keyFromAddress() {  // `obligations review` opens the page with its key here
  if (!location.hash.startsWith("#key=")) return false;
  S.key = decodeURIComponent(location.hash.slice(5));
  sessionStorage.setItem("obligations-key", S.key);
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}
keyFromAddress();
window.addEventListener("hashchange", () => { if (keyFromAddress()) start(); });

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (S.key) headers.Authorization = "Bearer " + S.key;
  const reply = await fetch(path, Object.assign({}, options, { headers }));
  if (reply.status === 401) {
    askKey();
    throw new Error("this server wants an API key");
  }
  if (!reply.ok) {
    let detail = reply.statusText;
    try { detail = (await reply.json()).detail || detail; } catch (e) { /* not JSON */ }
    throw new Error(detail);
  }
  return reply;
}
const getJSON = async (path) => (await api(path)).json();
const sendJSON = async (path, method, body) => (await api(path, {
  method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })).json();

function say(text, error = false) {
  const status = $("#status");
  status.textContent = text;
  status.title = text;
  status.classList.toggle("error", error);
}

function askKey() {
  $("#key-button").hidden = false;
  const dialog = $("#key-dialog");
  if (!dialog.open) { $("#key-input").value = ""; dialog.showModal(); }
}

// ---------------------------------------------------------------------- field states

function fieldState(f) {
  if (f.value === null || f.value === undefined) return "missing";
  if (f.valid === false) return "invalid";
  if (f.source === "user") return "user";
  if (f.review) return "review";
  if ((f.confidence || 0) < S.lowConfidence) return "low";
  return "valid";
}

function itemState(item) {
  if (item.status === "queued" || item.status === "reading") return "pending";
  if (item.status === "failed") return "failed";
  const c = item.counts;
  if (c.invalid) return "invalid";
  if (c.to_review) return "review";
  if (c.low_confidence) return "low";
  return "valid";
}

// ---------------------------------------------------------------------- the list of files

async function refreshItems() {
  // Statuses as last known, a file just uploaded as queued whatever its upload's answer said:
  // one read before this listing came (a digital PDF takes milliseconds) is still announced
  // and opened.
  const before = new Map(S.items.map((i) => [i.id, S.uploaded.has(i.id) ? "queued" : i.status]));
  const listing = await getJSON("api/review/items");
  S.items = listing.items;
  S.lowConfidence = listing.low_confidence;
  $("#workspace").textContent = "Uploads are kept in " + listing.workspace + ".";
  renderItems();
  const pending = S.items.some((i) => i.status === "queued" || i.status === "reading");
  if (pending && !S.polling) S.polling = setInterval(pollItems, 600);
  if (!pending && S.polling) { clearInterval(S.polling); S.polling = null; }
  for (const item of S.items) {
    const was = before.get(item.id);
    if ((was === "queued" || was === "reading") && item.status !== was) announce(item);
    if (item.status !== "queued" && item.status !== "reading") S.uploaded.delete(item.id);
  }
  return listing;
}

async function pollItems() {
  try { await refreshItems(); } catch (e) { say(e.message, true); }
}

function announce(item) {
  if (item.status === "done") {
    say(`${item.name}: ${item.doc_types.join(", ") || "no document"}; ${item.counts.found}/${item.counts.fields} found` +
        (item.counts.invalid ? `, ${item.counts.invalid} invalid` : ""));
    if (!S.itemId || S.itemId === item.id) openItem(item.id);
  }
  if (item.status === "failed") say(item.name + ": " + item.error, true);
}

function renderItems() {
  const list = $("#items");
  list.textContent = "";
  for (const item of S.items) {
    const li = document.createElement("li");
    li.dataset.id = item.id;
    li.dataset.name = item.name;
    li.dataset.status = item.status;
    li.className = "state-" + itemState(item) + (item.id === S.itemId ? " current" : "");
    const name = document.createElement("div");
    name.className = "name";
    name.textContent = item.name + (item.unsaved ? " •" : "");
    li.appendChild(name);
    const meta = document.createElement("div");
    meta.className = "meta";
    const c = item.counts;
    if (item.status === "queued") meta.textContent = "queued";
    else if (item.status === "reading") {
      meta.textContent = `reading page ${Math.min(item.pages_done + 1, item.pages_total || 1)} of ${item.pages_total || "?"}`;
      const bar = document.createElement("progress");
      bar.max = item.pages_total || 1;
      bar.value = item.pages_done;
      li.appendChild(bar);
    } else if (item.status === "failed") {
      meta.innerHTML = '<span class="bad">failed</span>: ';
      meta.appendChild(document.createTextNode(item.error || ""));
    } else {
      const parts = [];
      if (c.invalid) parts.push(`<span class="bad">${c.invalid} invalid</span>`);
      if (c.to_review) parts.push(`${c.to_review} to review`);
      if (c.low_confidence) parts.push(`${c.low_confidence} low`);
      if (c.corrected) parts.push(`${c.corrected} corrected`);
      parts.push(`${c.found}/${c.fields} found`);
      meta.innerHTML = (item.doc_types.join(", ") || "no document") + " · " + parts.join(" · ");
    }
    li.appendChild(meta);
    li.addEventListener("click", () => openItem(item.id));
    list.appendChild(li);
  }
}

// ---------------------------------------------------------------------- one file

async function openItem(id, keepPlace = false) {
  const item = S.items.find((i) => i.id === id);
  if (!item) return;
  if (item.status !== "done") { say(`${item.name}: ${item.status}${item.error ? ": " + item.error : ""}`); return; }
  try {
    S.result = await getJSON(`api/review/items/${id}/result`);
  } catch (e) { say(e.message, true); return; }
  S.itemId = id;
  S.item = item;
  if (!keepPlace) {
    S.doc = 0;
    S.field = null;
    const first = (S.result.documents[0] || {}).pages;
    S.page = first && first.length ? first[0] : ((S.result.pages[0] || {}).page || 1);
  }
  renderItems();
  renderFile();
  if (!keepPlace) selectField(firstFieldToLook());
}

function currentDoc() { return (S.result && S.result.documents[S.doc]) || null; }
function fieldIds() { const d = currentDoc(); return d ? Object.keys(d.fields) : []; }

function firstFieldToLook() {
  const doc = currentDoc();
  if (!doc) return null;
  const ids = fieldIds();
  const rank = { invalid: 0, review: 1, low: 2 };
  let best = ids[0] || null;
  for (const id of ids) {
    const r = rank[fieldState(doc.fields[id])];
    if (r !== undefined && (rank[fieldState(doc.fields[best])] === undefined || r < rank[fieldState(doc.fields[best])])) best = id;
  }
  return best;
}

function renderFile() {
  const docs = S.result.documents;
  const doc = currentDoc();
  $("#file-label").textContent = S.item.name;
  $("#doc-label").textContent = docs.length
    ? `Document ${S.doc + 1} of ${docs.length}: ${doc.doc_type}`
    : "No document found";
  $("#doc-label").title = doc ? `pages ${doc.pages.join(", ")}` : "";
  $("#prev-doc").disabled = S.doc <= 0 && S.items.findIndex((i) => i.id === S.itemId) <= 0;
  $("#next-doc").disabled = false;
  for (const id of ["#save", "#download-json", "#download-csv"]) $(id).disabled = false;
  $("#save-over").disabled = S.item.kind !== "disk";
  $("#save").textContent = S.item.unsaved ? "Save •" : "Save";
  renderTable();
  renderPage();
}

function renderTable() {
  const body = $("#fields tbody");
  body.textContent = "";
  const doc = currentDoc();
  if (!doc) return;
  for (const id of Object.keys(doc.fields)) body.appendChild(fieldRow(id, doc.fields[id]));
  markSelected();
}

function fieldRow(id, f) {
  const tr = document.createElement("tr");
  tr.dataset.field = id;
  tr.className = "state-" + fieldState(f);
  const cells = [
    ["id", id],
    ["value", f.value === null || f.value === undefined ? "—" : f.value],
    ["valid", f.valid === true ? "✓" : f.valid === false ? "✗" : "—"],
    ["confidence", typeof f.confidence === "number" ? f.confidence.toFixed(2) : ""],
    ["source", f.source || ""],
    ["page", f.page || ""],
  ];
  for (const [name, text] of cells) {
    const td = document.createElement("td");
    td.className = name;
    td.textContent = text;
    if (name === "valid") td.classList.add(f.valid === false ? "no" : f.valid ? "yes" : "none");
    if (name === "value" && "machine_value" in f && f.machine_value !== f.value) {
      const was = document.createElement("span");
      was.className = "machine";
      was.textContent = f.machine_value === null ? "(none)" : f.machine_value;
      was.title = "the machine's value";
      td.appendChild(was);
    }
    tr.appendChild(td);
  }
  tr.addEventListener("click", () => { if (!S.editing) selectField(id); });
  tr.addEventListener("dblclick", () => { selectField(id); startEdit(); });
  return tr;
}

// ---------------------------------------------------------------------- the page and its boxes

async function renderPage() {
  const pages = S.result.pages;
  const info = pages.find((p) => p.page === S.page) || pages[0];
  const index = pages.indexOf(info);
  $("#page-label").textContent = info ? `page ${info.page} of ${S.result.source.page_count || pages.length}` : "";
  $("#prev-page").disabled = index <= 0;
  $("#next-page").disabled = index < 0 || index >= pages.length - 1;
  const box = $("#page");
  if (!info) { box.hidden = true; return; }
  S.page = info.page;
  if (!S.item.has_source) {
    box.hidden = true;
    $("#page-note").textContent = "The source file was not found beside this result: fields only.";
    return;
  }
  $("#page-note").textContent = "";
  const key = `${S.itemId}/${info.page}/${info.width}x${info.height}`;
  let url = S.images.get(key);
  if (!url) {
    try {
      const reply = await api(`api/review/items/${S.itemId}/pages/${info.page}`);
      url = URL.createObjectURL(await reply.blob());
      S.images.set(key, url);
    } catch (e) { say(e.message, true); box.hidden = true; return; }
  }
  const image = $("#page-image");
  image.dataset.page = info.page;
  image.dataset.width = info.width;
  image.dataset.height = info.height;
  if (image.src !== url) {
    await new Promise((resolve) => { image.onload = resolve; image.onerror = resolve; image.src = url; });
  }
  box.hidden = false;
  layoutPage(info);
  renderBoxes(info);
  box.dataset.ready = key;
}

function layoutPage(info) {
  const box = $("#page");
  const scroll = $("#page-scroll");
  const room = scroll.clientWidth - 24;
  const scale = S.zoom || Math.max(0.05, Math.min(room / info.width, 4));
  box.style.width = Math.round(info.width * scale) + "px";
  box.style.height = Math.round(info.height * scale) + "px";
}

function renderBoxes(info) {
  const layer = $("#boxes");
  layer.textContent = "";
  const doc = currentDoc();
  if (!doc) return;
  for (const [id, f] of Object.entries(doc.fields)) {
    if (!f.bbox || f.page !== info.page) continue;
    const [x0, y0, x1, y1] = f.bbox;
    const div = document.createElement("div");
    div.className = "box state-" + fieldState(f);
    div.dataset.field = id;
    // Percentages of the page as the result describes it: the image is drawn at that frame.
    div.style.left = (100 * x0 / info.width) + "%";
    div.style.top = (100 * y0 / info.height) + "%";
    div.style.width = (100 * (x1 - x0) / info.width) + "%";
    div.style.height = (100 * (y1 - y0) / info.height) + "%";
    div.title = `${id}: ${f.value === null ? "—" : f.value}`;
    const label = document.createElement("span");
    label.textContent = id;
    div.appendChild(label);
    div.addEventListener("click", (event) => { event.stopPropagation(); selectField(id); });
    layer.appendChild(div);
  }
  markSelected();
}

function markSelected() {
  for (const el of $$("#fields tbody tr, #boxes .box")) el.classList.toggle("selected", el.dataset.field === S.field);
  const doc = currentDoc();
  const f = doc && S.field ? doc.fields[S.field] : null;
  $("#field-warning").textContent = f && f.valid === false ? fieldWarning(f) : "";
}

function fieldWarning(f) {
  if (f._warning) return f._warning;
  const doc = currentDoc();
  const prefix = S.field + ":";
  const found = (S.result.warnings || []).find((w) => w.startsWith(prefix) || w.includes(" " + prefix));
  return found || `${S.field}: the value fails its check`;
}

async function selectField(id) {
  if (!id) { S.field = null; markSelected(); return; }
  S.field = id;
  const f = currentDoc().fields[id];
  if (f.page && f.page !== S.page) { S.page = f.page; await renderPage(); }
  markSelected();
  const row = $(`#fields tr[data-field="${CSS.escape(id)}"]`);
  if (row) row.scrollIntoView({ block: "nearest" });
  const box = $(`#boxes .box[data-field="${CSS.escape(id)}"]`);
  if (box) box.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
}

function moveField(step) {
  const ids = fieldIds();
  if (!ids.length) return;
  const at = ids.indexOf(S.field);
  const next = at < 0 ? 0 : Math.max(0, Math.min(ids.length - 1, at + step));
  selectField(ids[next]);
}

async function moveDocument(step) {
  if (!S.result) { if (S.items.length) openItem(S.items[0].id); return; }
  const docs = S.result.documents;
  const next = S.doc + step;
  if (next >= 0 && next < docs.length) {
    S.doc = next;
    S.field = null;
    S.page = docs[next].pages[0] || S.page;
    renderFile();
    selectField(firstFieldToLook());
    return;
  }
  const ready = S.items.filter((i) => i.status === "done");
  const at = ready.findIndex((i) => i.id === S.itemId);
  const other = ready[at + step];
  if (!other) return;
  await openItem(other.id);
  if (step < 0 && S.result.documents.length > 1) {
    S.doc = S.result.documents.length - 1;
    S.page = S.result.documents[S.doc].pages[0] || S.page;
    renderFile();
    selectField(firstFieldToLook());
  }
}

function movePage(step) {
  const pages = S.result ? S.result.pages : [];
  const at = pages.findIndex((p) => p.page === S.page);
  const next = pages[at + step];
  if (!next) return;
  S.page = next.page;
  // The document the page belongs to becomes the current one.
  const owner = S.result.documents.findIndex((d) => d.pages.includes(next.page));
  if (owner >= 0 && owner !== S.doc) { S.doc = owner; S.field = null; renderFile(); return; }
  renderPage();
}

// ---------------------------------------------------------------------- corrections

function startEdit() {
  const doc = currentDoc();
  if (!doc || !S.field || S.editing) return;
  const row = $(`#fields tr[data-field="${CSS.escape(S.field)}"]`);
  const cell = row.querySelector("td.value");
  const f = doc.fields[S.field];
  S.editing = true;
  cell.textContent = "";
  const input = document.createElement("input");
  input.id = "edit-input";
  input.value = f.value === null ? "" : f.value;
  input.setAttribute("aria-label", `value of ${S.field}`);
  cell.appendChild(input);
  input.focus();
  input.select();
  input.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Enter") { event.preventDefault(); commitEdit(input.value); }
    else if (event.key === "Escape") { event.preventDefault(); cancelEdit(); }
  });
  input.addEventListener("blur", () => { if (S.editing) commitEdit(input.value); });
}

function cancelEdit() {
  S.editing = false;
  renderTable();
}

async function commitEdit(value) {
  if (!S.editing) return;
  S.editing = false;
  await changeField({ value: value });
}

async function changeField(body) {
  const id = S.field;
  const path = `api/review/items/${S.itemId}/documents/${S.doc}/fields/${encodeURIComponent(id)}`;
  try {
    const answer = await sendJSON(path, "PATCH", body);
    answer.field._warning = answer.warning;
    currentDoc().fields[id] = answer.field;
    updateItem(answer.item);
    say(answer.field.valid === false ? `${id}: invalid — ${answer.warning || "fails its check"}`
      : `${id}: ${answer.field.value === null ? "no value" : answer.field.value}`, answer.field.valid === false);
  } catch (e) { say(e.message, true); }
  renderTable();
  renderBoxes(S.result.pages.find((p) => p.page === S.page) || {});
  $("#save").textContent = S.item.unsaved ? "Save •" : "Save";
}

function updateItem(item) {
  const at = S.items.findIndex((i) => i.id === item.id);
  if (at >= 0) S.items[at] = item;
  if (S.itemId === item.id) S.item = item;
  renderItems();
}

async function save(overwrite) {
  if (!S.item) return;
  if (overwrite && !confirm(`Write over ${S.item.name}? The run's own result is replaced.`)) return;
  try {
    const answer = await sendJSON(`api/review/items/${S.itemId}/save`, "POST", { overwrite });
    updateItem(answer.item);
    $("#save").textContent = "Save";
    say(`Saved as ${answer.saved_as}`);
  } catch (e) { say("Not saved: " + e.message, true); }
}

async function download(format) {
  if (!S.item) return;
  try {
    const reply = await api(`api/review/items/${S.itemId}/export?format=${format}`);
    const disposition = reply.headers.get("Content-Disposition") || "";
    const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || `result.${format}`;
    const url = URL.createObjectURL(await reply.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  } catch (e) { say(e.message, true); }
}

// ---------------------------------------------------------------------- uploads

async function upload(files) {
  for (const file of files) {
    const form = new FormData();
    form.append("file", file, file.name);
    say(`Sending ${file.name}…`);
    try {
      const item = await (await api("api/review/items", { method: "POST", body: form })).json();
      say(`${file.name}: queued`);
      S.uploaded.add(item.id);
      if (!S.items.some((i) => i.id === item.id)) S.items.unshift(item);
    } catch (e) { say(`${file.name}: ${e.message}`, true); }
  }
  await refreshItems();
}

// ---------------------------------------------------------------------- wiring

function zoom(factor) {
  const info = S.result && S.result.pages.find((p) => p.page === S.page);
  if (!info) return;
  const current = S.zoom || ($("#page").clientWidth / info.width);
  S.zoom = factor === 0 ? null : Math.max(0.05, Math.min(4, current * factor));
  layoutPage(info);
}

function wire() {
  $("#file-input").addEventListener("change", (event) => { upload(Array.from(event.target.files)); event.target.value = ""; });
  const drop = $("#drop");
  document.addEventListener("dragover", (event) => { event.preventDefault(); document.body.classList.add("dragging"); });
  document.addEventListener("dragleave", (event) => { if (!event.relatedTarget) document.body.classList.remove("dragging"); });
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    document.body.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length) upload(Array.from(event.dataTransfer.files));
  });
  drop.addEventListener("click", () => $("#file-input").click());
  $("#prev-doc").addEventListener("click", () => moveDocument(-1));
  $("#next-doc").addEventListener("click", () => moveDocument(1));
  $("#prev-page").addEventListener("click", () => movePage(-1));
  $("#next-page").addEventListener("click", () => movePage(1));
  $("#zoom-in").addEventListener("click", () => zoom(1.25));
  $("#zoom-out").addEventListener("click", () => zoom(0.8));
  $("#zoom-fit").addEventListener("click", () => zoom(0));
  $("#save").addEventListener("click", () => save(false));
  $("#save-over").addEventListener("click", () => save(true));
  $("#download-json").addEventListener("click", () => download("json"));
  $("#download-csv").addEventListener("click", () => download("csv"));
  $("#help-button").addEventListener("click", () => $("#help-dialog").showModal());
  $("#key-button").addEventListener("click", askKey);
  $("#key-cancel").addEventListener("click", () => $("#key-dialog").close());
  $("#key-form").addEventListener("submit", () => {
    S.key = $("#key-input").value.trim();
    sessionStorage.setItem("obligations-key", S.key);
    start();
  });
  window.addEventListener("resize", () => {
    const info = S.result && S.result.pages.find((p) => p.page === S.page);
    if (info && !S.zoom) layoutPage(info);
  });
  document.addEventListener("keydown", onKey);
}

function onKey(event) {
  if (S.editing || event.target.tagName === "INPUT" || document.querySelector("dialog[open]")) return;
  const key = event.key;
  if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "s") { event.preventDefault(); save(false); return; }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const actions = {
    ArrowDown: () => moveField(1), j: () => moveField(1), ArrowUp: () => moveField(-1), k: () => moveField(-1),
    Enter: startEdit, e: startEdit, a: () => S.field && changeField({ accept: true }),
    u: () => S.field && changeField({ revert: true }),
    n: () => moveDocument(1), PageDown: () => moveDocument(1), p: () => moveDocument(-1), PageUp: () => moveDocument(-1),
    ArrowRight: () => movePage(1), ArrowLeft: () => movePage(-1),
    "+": () => zoom(1.25), "=": () => zoom(1.25), "-": () => zoom(0.8), "0": () => zoom(0),
    "?": () => $("#help-dialog").showModal(),
  };
  const action = actions[key];
  if (!action || (!S.result && !["?", "n", "PageDown"].includes(key))) return;
  event.preventDefault();
  action();
}

async function start() {
  try {
    await refreshItems();
    say(S.items.length ? `${S.items.length} file(s)` : "Open or drop files to read them");
    const first = S.items.find((i) => i.status === "done");
    if (first && !S.itemId) await openItem(first.id);
    document.body.dataset.ready = "1";
  } catch (e) { say(e.message, true); }
}

wire();
start();
