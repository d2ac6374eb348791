/*
 * outcomes-coach: a learner's own practice record, at /chat/progress/.
 *
 * The learner is known by their learner id: data-learner on this script tag (a portal's id),
 * else #learner=... in the link (an embedded chat passes it so; a fragment never reaches a
 * server), else the random id the chat keeps in this browser. Sessions come from the coach's
 * /chat/api/progress; the record downloads from /chat/api/record as a text file.
 *
 * A part of the conversation the coach had too little to judge comes as "not_judged" and shows as
 * not judged, never as not met, with no score and a line saying why.
 *
 * Every piece of text is set with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script) return;

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
    verdict: { met: "Met", partly: "Partly met", not_met: "Not met", not_judged: "Not judged" },
    notJudged: "Not judged: the conversation was too short for the coach to judge that part yet. " +
      "It does not count against you.",
    noReport: "No feedback for this session (its scenario is no longer available).",
  };

  const base = script.dataset.server
    ? new URL("chat/", script.dataset.server.replace(/\/*$/, "/"))
    : new URL("../", script.src);
  const learner = script.dataset.learner || fromFragment() || stored();

  function fromFragment() {
    return new URLSearchParams(location.hash.slice(1)).get("learner");
  }

  function stored() {
    try { return localStorage.getItem(`outcomes-coach-learner:${base.href}`); } catch (e) { return null; }
  }

  /** An element with attributes and children; strings become text nodes, never markup. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === false || value == null) continue;
      node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child == null || typeof child === "boolean") continue;
      node.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  const pct = (share) => `${Math.round((Number(share) || 0) * 100)}%`;

  const status = el("p", { class: "op-status", role: "status" });
  const alert = el("div", { class: "oc-error op-error", role: "alert", hidden: true });
  const download = el("button", { type: "button", class: "oc-send" }, TEXT.download);
  const list = el("ol", { class: "op-sessions", "aria-label": "Your sessions" });
  const chatLink = el("a", { href: base.href }, TEXT.back);
  const root = el("div", { class: "op" },
    el("p", { class: "op-intro" }, TEXT.intro),
    el("p", { class: "op-actions" }, download, " ", chatLink),
    status, alert, list);
  script.after(root);

  async function call(path) {
    let resp;
    try {
      const token = script.dataset.learnerToken || new URLSearchParams(location.hash.slice(1)).get("token");
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
        s.criteria.length
          ? el("ul", { class: "op-criteria" }, s.criteria.map((c) => {
            const verdict = TEXT.verdict[c.verdict] ? c.verdict : "not_met";
            return el("li", { class: `op-crit oc-${verdict}`, "data-criterion": c.id },
              el("span", { class: "op-crit-title" }, c.title), " ",
              el("span", { class: "oc-verdict" }, TEXT.verdict[verdict]), " ",
              verdict === "not_judged" ? null : el("span", { class: "oc-pct" }, pct(c.score)));
          }))
          : el("p", {}, TEXT.noReport),
        s.criteria.some((c) => c.verdict === "not_judged") ? el("p", { class: "op-not-judged" }, TEXT.notJudged) : null));
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
})();
