/*
 * outcomes-coach web chat. One script tag puts it on any page the coach allows:
 *
 *   <script src="https://coach.example.org/chat/widget.js" data-scenario="eric-battersby"
 *           data-server="https://coach.example.org" data-target="#practice"
 *           data-learner="PORTAL-ACCOUNT-ID"></script>
 *
 * data-server: the coach's address (default: where this script came from).
 * data-scenario: the role-play to start (default: the coach's default; the chat page also reads
 * ?scenario= from its own link). data-target: a CSS selector to render into (default: right
 * after the script tag). data-learner: the portal's id for the learner (default: a random id
 * kept in this browser), sent with every message so results and the learner's own practice
 * record can find their sessions. data-picker="off" hides the scenario picker.
 *
 * One self-contained file: it keeps copies of the shared rules in web/shared/ (see below).
 *
 * Every piece of text is set with textContent, never parsed as HTML. The conversation lives on the
 * server; the browser keeps only the conversation's id and the learner id, so a reload asks the
 * server for the conversation.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script) return;

  const TEXT = {
    title: "Practice conversation",
    you: "You",
    coach: "Coach",
    hint: "Hint",
    send: "Send",
    label: (name) => `Your message to ${name}`,
    typing: (name) => `${name} is typing…`,
    preparing: "The coach is preparing your feedback…",
    mood: "Mood:",
    tools: "Coach",
    getHint: "Get a hint",
    finish: "Finish and get feedback",
    restart: "Start again",
    retry: "Try again",
    confirmRestart: "Start a new conversation? This one stays saved on the server but will no longer show here.",
    empty: "Type a message first.",
    offline: (server) => `Could not reach the coach at ${server}. Check your connection.`,
    refused: (origin) => `The coach does not accept requests from this site (${origin}). ` +
      "Ask your administrator to add it to the coach's allowed origins (COACH_ALLOWED_ORIGINS).",
    slow: "The coach is taking too long to answer. Please try again.",
    failed: (status) => `The coach answered with an error (${status}). Please try again.`,
    kept: "Your message is still in the box: send it again when you are ready.",
    reportFinal: "Your feedback",
    reportInterim: "Feedback so far",
    figures: (f, hints) => `${f.turns} turns · ${f.questions} questions · ${pct(f.open_share)} open · ` +
      `${f.outcomes_disclosed} of ${f.outcomes_total} outcomes drawn out · hints used: ${hints}`,
    outcomes: "What the person wants, in their words",
    unheard: (n, some) => `${n}${some ? " more" : ""} outcome${n === 1 ? "" : "s"} not heard this time.`,
    turn: (n) => `Turn ${n}: `,
    tryThis: "Try: ",
    asText: "The report as plain text",
    pickLabel: "Practise another scenario",
    pickStart: "Start this scenario",
    conversation: (n) => `Conversation ${n}`,
    confirmPick: (title) => `Start a new conversation: ${title}? This one stays saved on the server but will ` +
      "no longer show here.",
    progress: "Your practice record",
    newTab: " (opens in a new tab)",
  };
  // Buttons send these commands; they show in the conversation as a short note, not as speech.
  const COMMANDS = new Map([
    ["/session_start", null],
    ["/request_hint", "You asked for a hint."],
    ["/goodbye", "You finished the conversation."],
  ]);
  const TIMEOUT_MS = 90000;

  // ---- copies of the shared rules ---------------------------------------------------------
  // This file runs on other sites from one script tag, so it loads none of the coach's shared
  // modules. These are copies of web/shared/verdicts.js (the verdicts' words and the one "was it
  // judged?" rule), of web/shared/dom.js (el(), pct()) and of the arc of web/shared/report.js (how
  // the conversation changed, and the rapport line with its table): change them there and here
  // together. tests/web/test_shared.py compares them, and shows the same payloads here and on the
  // coach's own pages.

  const NOT_JUDGED = "not_judged";
  const VERDICTS = ["met", "partly", "not_met"];
  const LABELS = { met: "Met", partly: "Partly met", not_met: "Not met", not_judged: "Not judged" };

  /** Was the criterion judged? Not when its verdict is "not_judged", nor when an older report says
   * enough_evidence: false. */
  function judged(criterion) {
    return criterion.verdict !== NOT_JUDGED && criterion.enough_evidence !== false;
  }

  /** The verdict to show: "not_judged" when it was not judged; a verdict this page does not know
   * shows as "not_met". */
  function verdictOf(criterion) {
    if (!judged(criterion)) return NOT_JUDGED;
    return VERDICTS.includes(criterion.verdict) ? criterion.verdict : "not_met";
  }

  /** The verdict's words: "Met", "Partly met", "Not met" or "Not judged". */
  function labelOf(criterion) {
    return LABELS[verdictOf(criterion)];
  }

  /** The score as shown ("75%"), or null for a criterion not judged: it has no score to show. */
  function scoreOf(criterion) {
    return judged(criterion) ? pct(criterion.score) : null;
  }

  const SVG = "http://www.w3.org/2000/svg";

  /**
   * An element with attributes and children, never built from markup (web/shared/dom.js): a string
   * or a number child becomes a text node, so write `n ? node : null`, not `n && node`, when n is a
   * count. A tag such as "svg:rect" makes an SVG element (the report card's rapport line).
   */
  function el(tag, attrs, ...children) {
    const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
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

  /** A share from 0 to 1 as a whole percentage ("78%"); anything that is not a number reads 0%. */
  function pct(share) {
    return `${Math.round((Number(share) || 0) * 100)}%`;
  }

  // The arc, copied from web/shared/report.js (ARC_TEXT, ARC_CHART, signed, arcSection, arcChart,
  // arcTable) and called with the prefix "oc". The payload's `arc` (coach/rubric.py arc()): first
  // and last (listening and questioning, 0..1, or null), recovered, and rapport: [{turn, rapport,
  // change, moved, move}]. The text report says the same in words (coach/report.py arc_lines). A
  // report stored before the arc existed has none: then nothing is shown.

  const ARC_TEXT = Object.freeze({
    heading: "How the conversation went",
    changed: (first, last) => `How it changed: first third ${pct(first)}, last third ${pct(last)}`,
    recovered: "It started badly and recovered",
    title: "The person's rapport after each turn",
    summary: (points, moved) => {
      const a = points[0], b = points[points.length - 1];
      const values = points.map((p) => p.rapport);
      const line = points.length === 1 ? `Rapport after turn ${a.turn}: ${pct(a.rapport)}.` :
        `Rapport over ${points.length} turns: ${pct(a.rapport)} after turn ${a.turn}, ${pct(b.rapport)} after turn ` +
        `${b.turn}; lowest ${pct(Math.min(...values))}, highest ${pct(Math.max(...values))}.`;
      return `${line} ${moved.length ? `Turns that moved it most: ${moved.map((p) => `${p.turn} (${signed(p.change)})`).join(", ")}.`
        : "No single turn moved it much."}`;
    },
    axis: "Turn",
    key: "Rapport from 0 to 100% after each of the learner's turns; the larger orange dots are the turns that moved it most.",
    table: "Rapport turn by turn, as a table",
    caption: "The person's rapport after each turn",
    cols: Object.freeze(["Turn", "Rapport", "Change", "Moved it"]),
    yes: "Yes",
    no: "No",
  });

  /** The chart's size in its own units (the SVG scales to the card's width). */
  const ARC_CHART = Object.freeze({ width: 320, height: 160, left: 40, right: 12, top: 12, bottom: 36 });

  /** A change of rapport in points out of 100, signed ("+10", "-6", "0"). */
  function signed(change) {
    const points = Math.round((Number(change) || 0) * 100);
    return points > 0 ? `+${points}` : String(points);
  }

  /** The arc of the report, or null when the report has none (an older payload) or nothing to show. */
  function arcSection(arc, prefix) {
    if (!arc || typeof arc !== "object") return null;
    const points = (Array.isArray(arc.rapport) ? arc.rapport : []).filter((p) => p && typeof p.rapport === "number");
    const changed = typeof arc.first === "number" && typeof arc.last === "number";
    if (!changed && !points.length) return null;
    return el("section", { class: `${prefix}-arc` },
      el("h4", {}, ARC_TEXT.heading),
      changed ? el("p", { class: `${prefix}-arc-change` }, ARC_TEXT.changed(arc.first, arc.last)) : null,
      changed && arc.recovered === true ? el("p", { class: `${prefix}-arc-recovered` }, ARC_TEXT.recovered) : null,
      points.length ? el("figure", { class: `${prefix}-arc-chart` },
        arcChart(points, prefix), el("figcaption", {}, ARC_TEXT.key)) : null,
      points.length ? arcTable(points, prefix) : null);
  }

  /**
   * Rapport by turn as a small SVG line: one dot a turn (data-turn, data-rapport, data-change and
   * data-moved carry the payload's figures), the turns that moved it larger and filled. role="img",
   * named by a summary of the figures; the table after it gives every one.
   */
  function arcChart(points, prefix) {
    const g = ARC_CHART;
    const wide = g.width - g.left - g.right, high = g.height - g.top - g.bottom;
    const turns = points.map((p) => p.turn);
    const lo = Math.min(...turns), hi = Math.max(...turns);
    const x = (turn) => (g.left + (hi > lo ? ((turn - lo) / (hi - lo)) * wide : wide / 2)).toFixed(1);
    const y = (rapport) => (g.top + (1 - Math.min(1, Math.max(0, rapport))) * high).toFixed(1);
    const moved = points.filter((p) => p.moved === true);
    const labelled = points.length <= 12 ? points : [points[0], points[points.length - 1]];
    return el("svg:svg", { class: `${prefix}-arc-svg`, viewBox: `0 0 ${g.width} ${g.height}`, role: "img",
      "aria-label": ARC_TEXT.summary(points, moved) },
    el("svg:title", {}, ARC_TEXT.title),
    [0, 0.5, 1].flatMap((r) => [
      el("svg:line", { class: `${prefix}-arc-grid`, x1: g.left, x2: g.width - g.right, y1: y(r), y2: y(r) }),
      el("svg:text", { class: `${prefix}-arc-axis`, x: g.left - 6, y: y(r), dy: "0.35em", "text-anchor": "end" }, pct(r))]),
    labelled.map((p) => el("svg:text", { class: `${prefix}-arc-axis`, x: x(p.turn), y: g.height - g.bottom + 16,
      "text-anchor": "middle" }, p.turn)),
    el("svg:text", { class: `${prefix}-arc-axis`, x: g.left + wide / 2, y: g.height - 4, "text-anchor": "middle" }, ARC_TEXT.axis),
    el("svg:polyline", { class: `${prefix}-arc-line`, fill: "none",
      points: points.map((p) => `${x(p.turn)},${y(p.rapport)}`).join(" ") }),
    points.map((p) => el("svg:circle", { class: `${prefix}-arc-point${p.moved === true ? ` ${prefix}-arc-moved` : ""}`,
      cx: x(p.turn), cy: y(p.rapport), r: p.moved === true ? 5.5 : 3, "data-turn": p.turn, "data-rapport": p.rapport,
      "data-change": Number(p.change) || 0, "data-moved": String(p.moved === true) })));
  }

  /** The chart's figures as a table (turn, rapport, change, moved it), folded away in a <details>. */
  function arcTable(points, prefix) {
    return el("details", { class: `${prefix}-arc-details` },
      el("summary", {}, ARC_TEXT.table),
      el("table", { class: `${prefix}-arc-table` },
        el("caption", {}, ARC_TEXT.caption),
        el("thead", {}, el("tr", {}, ARC_TEXT.cols.map((c) => el("th", { scope: "col" }, c)))),
        el("tbody", {}, points.map((p) => el("tr", { "data-turn": p.turn },
          el("th", { scope: "row" }, p.turn),
          el("td", {}, pct(p.rapport)),
          el("td", {}, signed(p.change)),
          el("td", {}, p.moved === true ? ARC_TEXT.yes : ARC_TEXT.no))))));
  }

  const pageMode = script.dataset.mode === "page";
  const base = script.dataset.server
    ? new URL("chat/", script.dataset.server.replace(/\/*$/, "/"))
    : new URL("./", script.src);
  const requested = script.dataset.scenario ||
    (pageMode ? new URLSearchParams(location.search).get("scenario") : "") || "";
  const storeKey = `outcomes-coach:${base.href}:${requested}`;
  // Who is practising: the portal's id, else a random one kept in this browser. It is not the
  // conversation's id: one learner holds many conversations.
  const learnerKey = `outcomes-coach-learner:${base.href}`;
  const learner = script.dataset.learner || rememberLearner();
  // A portal that signs learner identities (COACH_PORTAL_SECRET) passes its token here.
  const learnerToken = script.dataset.learnerToken || null;
  let scenario = requested;  // the scenario of the conversation shown (a picked one replaces it)

  let sender = remember() || newSender();
  let person = "the person";
  let busy = false;
  let retry = null;
  let cards = 0;

  // ---- building blocks -------------------------------------------------------------------

  function remember() {
    try { return localStorage.getItem(storeKey); } catch (e) { return null; }
  }

  function randomId(prefix, size) {
    const bytes = crypto.getRandomValues(new Uint8Array(size));
    return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function newSender() {
    const id = randomId("web-", 12);
    try { localStorage.setItem(storeKey, id); } catch (e) { /* private mode: this visit only */ }
    return id;
  }

  /** The learner id kept in this browser, made once: random and long, so it cannot be guessed. */
  function rememberLearner() {
    let id = null;
    try { id = localStorage.getItem(learnerKey); } catch (e) { /* private mode */ }
    if (!id) {
      id = randomId("learner-", 16);
      try { localStorage.setItem(learnerKey, id); } catch (e) { /* private mode: this visit only */ }
    }
    return id;
  }

  // ---- the widget's parts ----------------------------------------------------------------

  const host = el("div", { class: "oc-host" });
  const target = script.dataset.target && document.querySelector(script.dataset.target);
  if (target) target.append(host); else script.after(host);
  const root = host.attachShadow({ mode: "open" });

  const nameEl = el("span", { class: "oc-name" }, "…");
  const moodValue = el("span", { class: "oc-mood-value" });
  const moodEl = el("p", { class: "oc-mood", hidden: true }, TEXT.mood + " ", moodValue);
  const log = el("div", { class: "oc-log", role: "log", "aria-live": "off", "aria-label": "Conversation", tabindex: "0" });
  const typing = el("p", { class: "oc-typing", role: "status" });
  const errorText = el("span");
  const retryButton = el("button", { type: "button", class: "oc-retry" }, TEXT.retry);
  const errorEl = el("div", { class: "oc-error", role: "alert" });
  const label = el("label", { for: "oc-input" }, TEXT.label(person));
  const box = el("textarea", { id: "oc-input", rows: "2", autocomplete: "off" });
  const sendButton = el("button", { type: "submit", class: "oc-send" }, TEXT.send);
  const form = el("form", { class: "oc-form" }, label, el("div", { class: "oc-row" }, box, sendButton));
  const tool = (text, act) => el("button", { type: "button", class: "oc-tool", "data-act": act }, text);
  const tools = el("div", { class: "oc-tools", role: "group", "aria-label": TEXT.tools },
    tool(TEXT.getHint, "hint"), tool(TEXT.finish, "finish"), tool(TEXT.restart, "restart"));
  // The scenario picker: filled from the coach's list of good scenarios once it arrives.
  const choice = el("select", { id: "oc-scenario" });
  const pick = el("form", { class: "oc-pick", hidden: true },
    el("label", { for: "oc-scenario" }, TEXT.pickLabel),
    el("div", { class: "oc-row" }, choice, el("button", { type: "submit" }, TEXT.pickStart)));
  // Learners' own progress page: on the coach's origin, so an embed passes the learner id along
  // in the fragment (never sent to any server) and opens it in a new tab.
  const away = Boolean(script.dataset.learner) || base.origin !== location.origin;
  const progressUrl = new URL("progress/", base);
  if (away) {
    const fragment = new URLSearchParams({ learner });
    if (learnerToken) fragment.set("token", learnerToken);
    progressUrl.hash = fragment.toString();
  }
  const links = el("p", { class: "oc-links" },
    el("a", { href: progressUrl.href, ...(away ? { target: "_blank", rel: "noopener" } : {}) },
      TEXT.progress, away ? el("span", { class: "oc-sr" }, TEXT.newTab) : null));

  root.append(
    el("link", { rel: "stylesheet", href: new URL("widget.css", base).href }),
    el("section", { class: pageMode ? "oc oc-full" : "oc", "aria-labelledby": "oc-title" },
      el("header", { class: "oc-head" },
        el("h2", { id: "oc-title" }, TEXT.title + ": ", nameEl),
        moodEl),
      log, typing, errorEl, form, tools, pick, links));
  typing.hidden = true;
  errorEl.hidden = true;

  // ---- talking to the server -------------------------------------------------------------

  async function call(path, options) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
    let resp;
    try {
      const headers = { ...((options && options.headers) || {}) };
      if (learnerToken) headers.Authorization = `Bearer ${learnerToken}`;
      resp = await fetch(new URL(path, base), { ...options, headers, signal: ctrl.signal, credentials: "omit", cache: "no-store" });
    } catch (err) {
      throw new Error(err.name === "AbortError" ? TEXT.slow : await whyUnreachable());
    } finally {
      clearTimeout(timer);
    }
    let body = null;
    try { body = await resp.json(); } catch (e) { /* not JSON: say the status */ }
    if (!resp.ok) throw new Error((body && body.error) || TEXT.failed(resp.status));
    return body;
  }

  /** A refused cross-origin call looks like a network failure to a page; a stylesheet fetch needs
   * no permission, so if it arrives the server is up and it is this site that is not allowed. */
  async function whyUnreachable() {
    if (location.origin !== base.origin) {
      try {
        await fetch(new URL("widget.css", base), { mode: "no-cors", cache: "no-store" });
        return TEXT.refused(location.origin);
      } catch (e) { /* the server is down or the network is */ }
    }
    return TEXT.offline(base.origin);
  }

  function showError(message, again) {
    errorText.textContent = message;
    errorEl.replaceChildren(errorText, ...(again ? [" ", retryButton] : []));
    errorEl.hidden = false;
    retry = again;
  }

  function clearError() {
    errorEl.hidden = true;
    errorEl.replaceChildren();
    retry = null;
  }

  function setBusy(on, command) {
    busy = on;
    typing.textContent = on ? (command && command !== "/session_start" ? TEXT.preparing : TEXT.typing(person)) : "";
    typing.hidden = !on;
    host.toggleAttribute("data-busy", on);
    for (const button of [sendButton, ...tools.children]) button.setAttribute("aria-disabled", String(on));
  }

  /** Send a message (typed, or a button's command); on failure nothing is lost and it can be resent. */
  async function send(text, fromBox) {
    if (busy) return;
    clearError();
    const command = COMMANDS.has(text) ? text : null;
    const pending = command === "/session_start" ? null : show({ from: "learner", text }, true);
    setBusy(true, command);
    try {
      const metadata = scenario ? { scenario, learner } : { learner };
      const data = await call("api/message", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender, message: text, metadata }),
      });
      if (pending) pending.classList.remove("oc-pending");
      if (fromBox && box.value.trim() === text) box.value = "";
      if (pending && data.heard) showHeard(pending, data.heard);
      update(data);
    } catch (err) {
      if (pending) pending.remove();
      const again = fromBox ? () => submit() : () => send(text, false);
      showError(fromBox ? `${err.message} ${TEXT.kept}` : err.message, again);
    } finally {
      setBusy(false);
    }
  }

  async function restore() {
    clearError();
    setBusy(true);
    let data = null;
    try {
      data = await call(`api/history?sender=${encodeURIComponent(sender)}&scenario=${encodeURIComponent(scenario)}`);
    } catch (err) {
      showError(err.message, restore);
    } finally {
      setBusy(false);
    }
    if (data && Array.isArray(data.meant_choices)) meantChoices = data.meant_choices;
    if (data && data.messages.length && data.persona) scenario = data.persona.scenario;  // e.g. one picked before
    if (data) update(data);
    log.setAttribute("aria-live", "polite");  // announce new messages from now on, not the restored ones
    if (data && !data.messages.length) await send("/session_start", false);
  }

  /** Fill the picker with the coach's scenarios; without the list (or with one scenario) it stays hidden. */
  async function loadScenarios() {
    if (script.dataset.picker === "off") return;
    let data;
    try { data = await call("api/scenarios"); } catch (e) { return; }
    const list = (data && data.scenarios) || [];
    if (list.length < 2) return;
    const groups = new Map();
    for (const s of list) {
      if (!groups.has(s.conversation)) groups.set(s.conversation, el("optgroup", { label: TEXT.conversation(s.conversation) }));
      groups.get(s.conversation).append(el("option", { value: s.id }, s.title));
    }
    choice.replaceChildren(...groups.values());
    choice.value = scenario || data.default || "";
    pick.hidden = false;
  }

  function startPicked() {
    const picked = choice.value;
    const option = choice.selectedOptions[0];
    if (busy || !picked) return;
    if (log.querySelector(".oc-learner") && !window.confirm(TEXT.confirmPick(option ? option.textContent : picked))) return;
    clearError();
    scenario = picked;
    sender = newSender();
    log.replaceChildren();
    send("/session_start", false);
    box.focus();
  }

  function submit() {
    const text = box.value.trim();
    if (!text) {
      showError(TEXT.empty, null);
      box.focus();
      return;
    }
    send(text, true);
  }

  function startAgain() {
    if (busy || !window.confirm(TEXT.confirmRestart)) return;
    clearError();
    sender = newSender();
    log.replaceChildren();
    send("/session_start", false);
    box.focus();
  }

  // ---- showing the conversation ----------------------------------------------------------

  function update(data) {
    if (data.persona) {
      person = data.persona.name;
      nameEl.textContent = person;
      label.textContent = TEXT.label(person);
      moodValue.textContent = data.persona.mood || "";
      moodEl.hidden = !data.persona.mood;
    }
    for (const message of data.messages) show(message, false);
  }

  function show(message, pending) {
    let node;
    if (message.kind === "custom") {
      return null;  // a payload this chat has no card for
    } else if (message.from === "learner" && COMMANDS.has(message.text)) {
      if (COMMANDS.get(message.text) === null) return null;
      node = el("p", { class: "oc-note" }, COMMANDS.get(message.text));
    } else if (message.kind === "report") {
      node = reportCard(message.report, message.text);
    } else if (message.kind === "hint") {
      node = bubble("oc-hint", TEXT.hint, message.hint.text || message.text);
    } else if (message.from === "person") {
      node = bubble("oc-person", message.name, message.text);
    } else if (message.from === "learner") {
      node = bubble("oc-learner", TEXT.you, message.text);
    } else if (Array.isArray(message.buttons) && message.buttons.length) {
      node = choiceMessage(message);
    } else {
      node = bubble("oc-coach", TEXT.coach, message.text);
    }
    if (pending) node.classList.add("oc-pending");
    retireChoices();
    log.append(node);
    if (message.from === "learner" && message.heard) showHeard(node, message.heard);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  function bubble(kind, who, text) {
    return el("div", { class: `oc-msg ${kind}` }, el("span", { class: "oc-who" }, who), el("p", {}, text || ""));
  }

  function reportCard(report, text) {
    const id = `oc-report-${++cards}`;
    const heading = (text && text.split("\n")[0]) || (report.final ? TEXT.reportFinal : TEXT.reportInterim);
    const heard = (report.outcomes || []).filter((o) => o.disclosed);
    const unheard = (report.outcomes || []).length - heard.length;
    return el("article", { class: "oc-report", "aria-labelledby": id },
      el("h3", { id }, heading),
      report.figures ? el("p", { class: "oc-figures" }, TEXT.figures(report.figures, report.hints_used || 0)) : null,
      el("ol", { class: "oc-criteria" }, (report.criteria || []).map(criterion)),
      heard.length || unheard ? el("section", { class: "oc-outcomes" },
        el("h4", {}, TEXT.outcomes),
        heard.length ? el("ul", {}, heard.map((o) => el("li", {}, `“${o.words}”`))) : null,
        unheard ? el("p", {}, TEXT.unheard(unheard, heard.length > 0)) : null) : null,
      arcSection(report.arc, "oc"),
      text ? el("details", {}, el("summary", {}, TEXT.asText), el("pre", {}, text)) : null);
  }

  function criterion(c) {
    // Not judged: no score bar and no percentage, rather than a 0% that reads as a failure.
    const score = scoreOf(c);
    const fill = el("span", { class: "oc-fill" });
    if (score !== null) fill.style.width = score;
    return el("li", { class: `oc-crit oc-${verdictOf(c)}`, "data-criterion": c.id },
      el("div", { class: "oc-crit-head" },
        el("h4", {}, c.title || c.id),
        el("span", { class: "oc-verdict" }, labelOf(c))),
      score === null ? null : el("div", { class: "oc-score" },
        el("span", { class: "oc-bar", "aria-hidden": "true" }, fill),
        el("span", { class: "oc-pct" }, score)),
      c.note ? el("p", { class: "oc-crit-note" }, c.note) : null,
      (c.evidence || []).length ? el("ul", { class: "oc-evidence" }, c.evidence.map((e) =>
        el("li", {}, TEXT.turn(e.turn), el("q", {}, e.text), e.note ? ` (${e.note})` : null))) : null,
      c.suggestion ? el("p", { class: "oc-suggestion" }, el("strong", {}, TEXT.tryThis), c.suggestion) : null);
  }

  // ---- the choice after a typed goodbye ---------------------------------------------------
  // The person has closed in character; the coach's message comes with buttons (Rasa's `buttons`,
  // only the chat's own commands): "Finish and get feedback" sends /goodbye, "Keep talking" sends
  // nothing, the conversation simply goes on. Whatever comes next in the log (a typed turn, the
  // report) retires the buttons, so only the latest choice can be made.

  const CHOICE_TEXT = Object.freeze({
    group: "Finish now or keep talking",
    keptTalking: "You chose to keep talking.",
  });
  const KEEP_TALKING = "/keep_talking";

  /** The coach's message with its buttons, under it, in a labelled group. */
  function choiceMessage(message) {
    const buttons = message.buttons.filter((b) => b && typeof b.title === "string" &&
      (b.payload === KEEP_TALKING || COMMANDS.has(b.payload)));
    const node = bubble("oc-coach", TEXT.coach, message.text);
    if (!buttons.length) return node;
    node.classList.add("oc-choice");
    node.append(el("div", { class: "oc-choices", role: "group", "aria-label": CHOICE_TEXT.group },
      buttons.map((b) => el("button", { type: "button", class: "oc-choose", "data-payload": b.payload }, b.title))));
    return node;
  }

  /** Take the buttons away from every choice shown so far (its text stays in the log). */
  function retireChoices() {
    for (const group of log.querySelectorAll(".oc-choices")) group.remove();
  }

  function choose(button) {
    if (busy) return;
    const payload = button.dataset.payload;
    retireChoices();
    if (payload === KEEP_TALKING) {
      log.append(el("p", { class: "oc-note" }, CHOICE_TEXT.keptTalking));
      log.scrollTop = log.scrollHeight;
    } else if (COMMANDS.has(payload)) {
      send(payload, false);
    }
    box.focus();
  }

  log.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button.oc-choose");
    if (button) choose(button);
  });

  // ---- what the coach heard ---------------------------------------------------------------
  // Under a learner turn, a small line: "Heard as: reflection + open question about ...", with
  // "That's not what I meant", which opens a short list of what they may have meant (the moves the
  // coach ranked next, then "something else" with every move) and a Send. The correction is kept
  // in the conversation (POST api/correction); it is not a turn and changes no figure. The line is
  // on unless the coach (COACH_SHOW_HEARD) or the scenario (show_heard) switches it off: then the
  // server sends no `heard`, and nothing shows.

  const HEARD_TEXT = Object.freeze({
    heardAs: "Heard as: ",
    notMeant: "That's not what I meant",
    notMeantFor: (said) => `That's not what I meant, for your message “${said}”`,
    legend: "What did you mean? Tick what fits.",
    other: "Something else",
    none: "(nothing else)",
    send: "Send",
    cancel: "Cancel",
    pickOne: "Tick what you meant, or choose it under “Something else”.",
    meant: (words) => `You meant: ${words}. Thank you: your trainer will see it.`,
    failed: (why) => `${why} Your choice is still here: send it again.`,
  });
  let meantChoices = [];
  let heardForms = 0;

  /** Capitalise the first letter of a plain-words move for a list. */
  function sentence(words) {
    return words ? words[0].toUpperCase() + words.slice(1) : "";
  }

  function labelFor(move) {
    const found = meantChoices.find((c) => c.move === move);
    return found ? found.label : move.replace(/_/g, " ");
  }

  /** The heard-as line, right under a learner's bubble (after it in the log, not inside it). */
  function showHeard(node, heard) {
    if (!heard || typeof heard.label !== "string" || !node.parentNode) return;
    const next = node.nextElementSibling;
    if (next && next.classList.contains("oc-heard")) next.remove();
    const said = (node.querySelector("p") || {}).textContent || "";
    const line = el("div", { class: "oc-heard" },
      el("p", { class: "oc-heard-line" }, el("span", { class: "oc-heard-as" }, HEARD_TEXT.heardAs), heard.label));
    if (heard.meant) {
      line.append(el("p", { class: "oc-heard-meant" }, HEARD_TEXT.meant(heard.meant)));
    } else if (typeof heard.at === "number") {
      const button = el("button", { type: "button", class: "oc-not-meant", "aria-expanded": "false",
        "aria-label": HEARD_TEXT.notMeantFor(said.length > 60 ? `${said.slice(0, 57)}…` : said) }, HEARD_TEXT.notMeant);
      button.addEventListener("click", () => openMeant(line, button, heard));
      line.append(button);
    }
    node.after(line);
  }

  /** The short list of what the learner may have meant, with Send and Cancel. */
  function openMeant(line, button, heard) {
    if (line.querySelector(".oc-meant")) return;
    const n = ++heardForms;
    const likely = (heard.likely || []).filter((m) => !(heard.moves || []).includes(m));
    const boxes = likely.map((move, i) => el("div", { class: "oc-meant-option" },
      el("input", { type: "checkbox", id: `oc-meant-${n}-${i}`, value: move }),
      el("label", { for: `oc-meant-${n}-${i}` }, sentence(labelFor(move)))));
    const other = el("select", { id: `oc-meant-${n}-other` },
      el("option", { value: "" }, HEARD_TEXT.none),
      meantChoices.map((c) => el("option", { value: c.move }, sentence(c.label))));
    const problem = el("p", { class: "oc-meant-problem", role: "alert" });
    const form = el("form", { class: "oc-meant", "aria-label": HEARD_TEXT.legend },
      el("fieldset", {}, el("legend", {}, HEARD_TEXT.legend), boxes,
        el("div", { class: "oc-meant-option oc-meant-other" },
          el("label", { for: `oc-meant-${n}-other` }, HEARD_TEXT.other), other)),
      problem,
      el("div", { class: "oc-row" },
        el("button", { type: "submit", class: "oc-meant-send" }, HEARD_TEXT.send),
        el("button", { type: "button", class: "oc-meant-cancel" }, HEARD_TEXT.cancel)));
    problem.hidden = true;
    const close = () => {
      form.remove();
      button.setAttribute("aria-expanded", "false");
      button.focus();
    };
    form.querySelector(".oc-meant-cancel").addEventListener("click", close);
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const meant = [...form.querySelectorAll("input:checked")].map((b) => b.value);
      if (other.value && !meant.includes(other.value)) meant.push(other.value);
      if (!meant.length) {
        problem.textContent = HEARD_TEXT.pickOne;
        problem.hidden = false;
        return;
      }
      try {
        const data = await call("api/correction", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ sender, learner, at: heard.at, meant: meant.slice(0, 3) }),
        });
        const words = data.correction && data.correction.meant_label;
        form.remove();
        button.remove();
        const note = el("p", { class: "oc-heard-meant", tabindex: "-1" }, HEARD_TEXT.meant(words || ""));
        line.append(note);
        note.focus();
      } catch (err) {
        problem.textContent = HEARD_TEXT.failed(err.message);
        problem.hidden = false;
      }
    });
    button.setAttribute("aria-expanded", "true");
    line.append(form);
    const first = form.querySelector("input, select");
    if (first) first.focus();
  }

  // ---- wiring ----------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  retryButton.addEventListener("click", () => retry && retry());
  pick.addEventListener("submit", (event) => {
    event.preventDefault();
    startPicked();
  });
  tools.addEventListener("click", (event) => {
    const act = event.target.closest("button") && event.target.closest("button").dataset.act;
    if (act === "hint") send("/request_hint", false);
    else if (act === "finish") send("/goodbye", false);
    else if (act === "restart") startAgain();
  });

  restore().then(loadScenarios);
})();
