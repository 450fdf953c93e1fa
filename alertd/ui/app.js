// alertd web UI: a small client of the API v2 (the same API amtool uses).
// Everything is read from /api/v2 relative to this page, so the UI works
// under --web.route-prefix.
"use strict";

const api = (path) => new URL("api/v2/" + path, document.baseURI).toString();

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function labelChips(labels) {
  return Object.keys(labels || {}).sort().map((k) => el("span", { class: "label" }, `${k}="${labels[k]}"`));
}

// Splits '{a="b", c=~"d"}' into the matcher strings the API's filter takes.
function splitMatchers(text) {
  let s = text.trim();
  if (s.startsWith("{") && s.endsWith("}")) s = s.slice(1, -1);
  const out = [];
  let cur = "", quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "\\" && quoted) { cur += ch + s[++i]; continue; }
    if (ch === '"') quoted = !quoted;
    if (ch === "," && !quoted) { if (cur.trim()) out.push(cur.trim()); cur = ""; continue; }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function parseMatcher(m) {
  const re = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$/;
  const r = re.exec(m);
  if (!r) throw new Error(`bad matcher ${m}`);
  let v = r[3].trim();
  if (v.startsWith('"')) v = JSON.parse(v);
  return { name: r[1], value: v, isRegex: r[2].includes("~"), isEqual: !r[2].startsWith("!") };
}

async function getJSON(path) {
  const r = await fetch(api(path), { headers: { Accept: "application/json" } });
  const body = await r.text();
  if (!r.ok) throw new Error(`${r.status}: ${body}`);
  return JSON.parse(body);
}

async function showAlerts() {
  const f = new FormData(document.getElementById("alert-filter"));
  const q = new URLSearchParams();
  for (const m of splitMatchers(f.get("filter") || "")) q.append("filter", m);
  q.set("silenced", f.get("silenced") ? "true" : "false");
  q.set("inhibited", f.get("inhibited") ? "true" : "false");
  const box = document.getElementById("alert-groups");
  try {
    const groups = await getJSON("alerts/groups?" + q);
    box.replaceChildren(...groups.map((g) => el("div", { class: "group" },
      el("h3", {}, g.receiver.name, " ", ...labelChips(g.labels)),
      ...g.alerts.map((a) => el("div", { class: "alert state-" + a.status.state },
        el("span", { class: "state" }, a.status.state),
        new Date(a.startsAt).toLocaleString(), " ", ...labelChips(a.labels),
        a.annotations.summary ? el("div", {}, a.annotations.summary) : "")))));
    if (!groups.length) box.replaceChildren("No alerts.");
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, e.message));
  }
}

async function expireSilence(id) {
  const r = await fetch(api("silence/" + encodeURIComponent(id)), { method: "DELETE" });
  if (!r.ok) alert(await r.text());
  showSilences();
}

async function showSilences() {
  const f = new FormData(document.getElementById("silence-filter"));
  const q = new URLSearchParams();
  for (const m of splitMatchers(f.get("filter") || "")) q.append("filter", m);
  const box = document.getElementById("silence-list");
  try {
    const list = await getJSON("silences?" + q);
    box.replaceChildren(...list.map((s) => el("div", { class: "silence" },
      el("span", { class: "state" }, s.status.state),
      ...s.matchers.map((m) => el("span", { class: "label" },
        `${m.name}${m.isEqual === false ? "!" : "="}${m.isRegex ? "~" : ""}"${m.value}"`)),
      ` until ${new Date(s.endsAt).toLocaleString()} by ${s.createdBy}: ${s.comment} `,
      s.status.state !== "expired" ? (() => {
        const b = el("button", {}, "Expire");
        b.onclick = () => expireSilence(s.id);
        return b;
      })() : "")));
    if (!list.length) box.replaceChildren("No silences.");
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, e.message));
  }
}

function parseDuration(s) {
  const units = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0, ok = false;
  for (const [, n, u] of s.matchAll(/(\d+)([wdhms])/g)) { total += Number(n) * units[u]; ok = true; }
  if (!ok) throw new Error(`bad duration ${s}`);
  return total * 1000;
}

function silenceFromForm() {
  const f = new FormData(document.getElementById("silence-form"));
  const now = Date.now();
  const body = {
    matchers: splitMatchers(f.get("matchers")).map(parseMatcher),
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + parseDuration(f.get("duration"))).toISOString(),
    createdBy: f.get("createdBy"),
    comment: f.get("comment"),
  };
  if (f.get("id")) body.id = f.get("id");
  return body;
}

async function previewSilence() {
  const out = document.getElementById("silence-result");
  try {
    const s = silenceFromForm();
    const q = new URLSearchParams();
    for (const m of splitMatchers(new FormData(document.getElementById("silence-form")).get("matchers"))) q.append("filter", m);
    const alerts = await getJSON("alerts?" + q);
    out.replaceChildren(el("p", {}, `${alerts.length} alert(s) would be silenced by ${s.matchers.length} matcher(s):`),
      ...alerts.map((a) => el("div", { class: "alert" }, ...labelChips(a.labels))));
  } catch (e) {
    out.replaceChildren(el("p", { class: "error" }, e.message));
  }
}

async function createSilence(ev) {
  ev.preventDefault();
  const out = document.getElementById("silence-result");
  try {
    const r = await fetch(api("silences"), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(silenceFromForm()),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${r.status}: ${text}`);
    out.replaceChildren(el("p", {}, "Created silence " + JSON.parse(text).silenceID));
  } catch (e) {
    out.replaceChildren(el("p", { class: "error" }, e.message));
  }
}

async function showStatus() {
  const box = document.getElementById("status-body");
  try {
    const s = await getJSON("status");
    box.textContent = `uptime: ${s.uptime}\nversion: ${JSON.stringify(s.versionInfo)}\n` +
      `cluster: ${s.cluster.status}\n\n${s.config.original}`;
  } catch (e) {
    box.textContent = e.message;
  }
}

const views = { alerts: showAlerts, silences: showSilences, "new-silence": () => {}, status: showStatus };

function route() {
  const name = (location.hash || "#alerts").slice(1);
  for (const v of document.querySelectorAll(".view")) v.classList.toggle("active", v.id === name);
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.view === name);
  (views[name] || showAlerts)();
}

document.getElementById("alert-filter").onsubmit = (e) => { e.preventDefault(); showAlerts(); };
document.getElementById("silence-filter").onsubmit = (e) => { e.preventDefault(); showSilences(); };
document.getElementById("silence-form").onsubmit = createSilence;
document.getElementById("silence-preview").onclick = previewSilence;
window.onhashchange = route;
route();
