/*
 * outcomes-coach: a learner's own practice record, at /chat/progress/.
 *
 * The learner is known by their learner id: data-learner on this script tag (a portal's id),
 * else #learner=... in the link (an embedded chat passes it so; a fragment never reaches a
 * server), else the random id the chat keeps in this browser. Sessions come from the coach's
 * /chat/api/progress; the record downloads from /chat/api/record as a text file.
 *
 * A part of the conversation the coach had too little to judge shows as not judged, never as not
 * met, with no score and the coach's note saying why. That rule and the verdicts' words are the
 * shared modules in ../shared/ (web/shared/), the same as on the trainer pages.
 *
 * An ES module (<script type="module">), loaded from the coach's own site: unlike widget.js it is
 * not embedded in other sites. Every piece of text is set as text (shared/dom.js), never parsed as
 * HTML.
 */
import { el } from "../shared/dom.js";
import { judged, labelOf, scoreOf, verdictOf } from "../shared/verdicts.js";

const TEXT = {
  intro: "The conversations you practised with the coach, newest first, with the coach's verdict on " +
    "each part. Download them as a text file to keep as evidence of your continuing professional " +
    "development. This is feedback on practice with a simulated person, not an assessment.",
  download: "Download your practice record (.txt)",
  back: "Back to the practice chat",
  loading: "Loading your sessions…",
  none: "No practice sessions yet. Your sessions show here after you talk to a person in the practice chat.",
  noLearner: "This browser has not practised with the coach yet, so there is no record to show. " +
    "Practise in the chat first; if you practise through your training portal, open this page from the " +
    "link in its chat.",
  count: (n) => `${n} session${n === 1 ? "" : "s"}`,
  downloaded: "Your practice record has been downloaded.",
  offline: (server) => `Could not reach the coach at ${server}. Check your connection and reload the page.`,
  failed: (status) => `The coach answered with an error (${status}). Please try again.`,
  meta: (s) => `${s.turns} turn${s.turns === 1 ? "" : "s"} · ${s.finished ? "finished" : "not finished"} · ` +
    `${s.outcomes_disclosed} of ${s.outcomes_total} outcomes drawn out`,
  started: (iso) => `Started ${iso.replace("T", " ").replace(/\+00:00$/, " UTC")}`,
  notJudged: "Not judged: the conversation was too short for the coach to judge that part yet. " +
    "It does not count against you.",
  noReport: "No feedback for this session (its scenario is no longer available).",
};

// This module's own script tag, for its data- settings and to draw the page after it.
const script = [...document.scripts].find((s) => s.src === import.meta.url);
const settings = script ? script.dataset : {};
const base = new URL("../", import.meta.url);  // the chat's address: /chat/
const learner = settings.learner || fromFragment() || stored();

function fromFragment() {
  return new URLSearchParams(location.hash.slice(1)).get("learner");
}

function stored() {
  try { return localStorage.getItem(`outcomes-coach-learner:${base.href}`); } catch (e) { return null; }
}

const status = el("p", { class: "op-status", role: "status" });
const alert = el("div", { class: "oc-error op-error", role: "alert", hidden: true });
const download = el("button", { type: "button", class: "oc-send" }, TEXT.download);
const list = el("ol", { class: "op-sessions", "aria-label": "Your sessions" });
const chatLink = el("a", { href: base.href }, TEXT.back);
const root = el("div", { class: "op" },
  el("p", { class: "op-intro" }, TEXT.intro),
  el("p", { class: "op-actions" }, download, " ", chatLink),
  status, alert, list);
if (script) script.after(root); else document.querySelector("main").append(root);

async function call(path) {
  let resp;
  try {
    const token = settings.learnerToken || new URLSearchParams(location.hash.slice(1)).get("token");
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    resp = await fetch(new URL(path, base), { headers, credentials: "omit", cache: "no-store" });
  } catch (e) {
    throw new Error(TEXT.offline(base.origin));
  }
  if (!resp.ok) {
    let body = null;
    try { body = await resp.json(); } catch (e) { /* not JSON: say the status */ }
    throw new Error((body && body.error) || TEXT.failed(resp.status));
  }
  return resp;
}

function showError(message) {
  alert.textContent = message;
  alert.hidden = false;
}

async function load() {
  if (!learner) {
    download.hidden = true;
    status.textContent = TEXT.noLearner;
    return;
  }
  status.textContent = TEXT.loading;
  let data;
  try {
    data = await (await call(`api/progress?learner=${encodeURIComponent(learner)}`)).json();
  } catch (err) {
    status.textContent = "";
    showError(err.message);
    return;
  }
  status.textContent = data.sessions.length ? TEXT.count(data.sessions.length) : TEXT.none;
  download.hidden = !data.sessions.length;
  list.replaceChildren(...data.sessions.map(session));
}

function session(s, i) {
  const id = `op-session-${i}`;
  return el("li", { class: "op-session", "data-sender": s.sender_id, "data-scenario": s.scenario },
    el("article", { "aria-labelledby": id },
      el("h2", { id }, `${s.date} · ${s.title || s.scenario}`),
      el("p", { class: "op-meta" }, TEXT.started(s.started), " · ", TEXT.meta(s)),
      s.criteria.length ? el("ul", { class: "op-criteria" }, s.criteria.map(criterion)) : el("p", {}, TEXT.noReport),
      s.criteria.some((c) => !judged(c)) ? el("p", { class: "op-not-judged" }, TEXT.notJudged) : null));
}

/** A criterion's verdict and score; one not judged has no score, and the coach's note says why. */
function criterion(c) {
  const score = scoreOf(c);
  return el("li", { class: `op-crit oc-${verdictOf(c)}`, "data-criterion": c.id },
    el("span", { class: "op-crit-title" }, c.title), " ",
    el("span", { class: "oc-verdict" }, labelOf(c)),
    score === null ? null : [" ", el("span", { class: "oc-pct" }, score)],
    !judged(c) && c.note ? el("p", { class: "op-crit-note" }, c.note) : null);
}

async function save() {
  alert.hidden = true;
  download.setAttribute("aria-disabled", "true");
  try {
    const resp = await call(`api/record?learner=${encodeURIComponent(learner)}`);
    const name = /filename="([^"]+)"/.exec(resp.headers.get("Content-Disposition") || "");
    const url = URL.createObjectURL(new Blob([await resp.text()], { type: "text/plain;charset=utf-8" }));
    const link = el("a", { href: url, download: name ? name[1] : "practice-record.txt", hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    status.textContent = TEXT.downloaded;
  } catch (err) {
    showError(err.message);
  } finally {
    download.setAttribute("aria-disabled", "false");
  }
}

download.addEventListener("click", () => {
  if (download.getAttribute("aria-disabled") !== "true") save();
});
load();
