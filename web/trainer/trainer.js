/*
 * outcomes-coach: results for trainers, at /trainer/. No build step; plain DOM and SVG.
 *
 * Views (the part after # in the address): #/sessions, #/session?sender=..., #/cohort and
 * #/scenarios; sessions and cohort take the filters scenario, from, to and learner. The session
 * list is paged (page, and limit sessions a page): the coach builds only the page it shows, and
 * its counts cover every session the filters select.
 *
 * Every call to the trainer API carries the trainer token as `Authorization: Bearer ...`. The
 * trainer types it once; it is kept in this tab's sessionStorage (gone when the tab closes) and
 * never put in an address. A refused token signs the trainer out with the coach's reason.
 *
 * A criterion the coach had too little conversation to judge is shown as not judged, never as not
 * met: the rule, the verdicts' words and the report card are the shared modules in ./shared/
 * (web/shared/), which the trainer pages and the learner's progress page both load.
 *
 * An ES module (<script type="module">), loaded from the coach's own site. Every piece of text is
 * set as text (shared/dom.js), never parsed as HTML.
 */
import { el, pct } from "./shared/dom.js";
import { reportCard } from "./shared/report.js";
import { BUCKETS, LABELS } from "./shared/verdicts.js";

const KEY = "outcomes-coach-trainer-token";
const TEXT = {
  signInTitle: "Sign in",
  signInHelp: "Type the trainer token your coach's administrator gave you. It stays in this browser tab " +
    "only and is forgotten when you close it.",
  tokenLabel: "Trainer token",
  signIn: "Sign in",
  signOut: "Sign out",
  empty: "Type the trainer token first.",
  nav: "Trainer pages",
  views: { sessions: "Sessions", cohort: "Cohort summary", flagged: "Flagged turns", scenarios: "Scenario files" },
  loading: "Loading…",
  offline: "Could not reach the coach. Check your connection and try again.",
  failed: (status) => `The coach answered with an error (${status}). Please try again.`,
  filters: "Filters",
  scenario: "Scenario",
  allScenarios: "All scenarios",
  from: "From (date)",
  to: "To (date)",
  learner: "Learner id",
  show: "Show",
  clear: "Clear filters",
  summary: (d) => `${d.count} session${d.count === 1 ? "" : "s"} · ${d.finished} finished · ` +
    `${d.learners} learner${d.learners === 1 ? "" : "s"}`,
  csv: "Download these sessions as CSV",
  csvDone: "The CSV file has been downloaded.",
  byScenario: "Sessions by scenario",
  allSessions: "Sessions, newest first",
  noSessions: "No sessions match these filters.",
  pages: "Pages of sessions",
  pageOf: (d) => `Page ${d.page} of ${d.pages}`,
  previous: "Previous page",
  next: "Next page",
  cols: {
    scenario: "Scenario", sessions: "Sessions", finished: "Finished", learners: "Learners",
    started: "Started (UTC)", learner: "Learner", turns: "Turns", outcomes: "Outcomes drawn out",
    ...LABELS, mean: "Mean score",
    open: "Transcript",
    turn: "Turn", said: "The learner said", move: "Move", form: "Question form",
    criterion: "Criterion",
    file: "File", conversation: "Conversation", status: "Status", problems: "Problems", probes: "Probes",
  },
  yes: "Yes",
  no: "No",
  openSession: (s) => ` of ${s.learner}'s session at ${when(s.started)}`,
  back: "Back to sessions",
  sessionTitle: (d) => `Session: ${d.learner}, ${d.title || d.scenario || "unknown scenario"}`,
  facts: {
    learner: "Learner", scenario: "Scenario", started: "Started", ended: "Last activity", turns: "Learner turns",
    finished: "Finished", outcomes: "Outcomes drawn out", sender: "Conversation id",
  },
  transcript: "Transcript",
  transcriptNote: "Each learner turn with the coach's reading of it (the move and the question form), " +
    "what the person disclosed in reply, and what they said.",
  confidence: (c) => ` (confidence ${Math.round(c * 100)}%)`,
  nothing: "Nothing",
  coachSent: (line) => `(The coach: ${line})`,
  thePerson: "The person",
  whoDisclosed: (who) => `${who} disclosed`,
  whoReplied: (who) => `${who} replied`,
  disclosedTitle: (who) => `What ${who === "The person" ? "the person" : who} disclosed`,
  disclosedNone: "Nothing was disclosed in this session.",
  kinds: { strength: "Strength", network: "Network", community: "Community", outcome: "Outcome", worry: "Worry" },
  atTurn: (n) => `Turn ${n}: `,
  report: (final) => final ? "The coach's report" : "The coach's report so far (the learner did not finish)",
  noReport: "No report: this session's scenario is no longer available.",
  cohortSummary: (d) => `${d.sessions} session${d.sessions === 1 ? "" : "s"} (${d.with_report} with a report) · ` +
    `${d.learners} learner${d.learners === 1 ? "" : "s"} · ${d.finished} finished · mean score ` +
    `${d.mean_score == null ? "–" : pct(d.mean_score)}`,
  chartTitle: "Verdicts per criterion",
  chartDesc: "Each bar splits the sessions with a report into met, partly met, not met and not judged " +
    "(the conversation was too short to judge); the mean score, over the judged sessions only, is at the " +
    "end of the bar. The same numbers are in the table below.",
  cohortNote: "Not judged: the conversation was too short for the coach to judge this part. These sessions " +
    "are not counted as not met and are left out of the mean scores.",
  tableCaption: "Verdicts per criterion (numbers of sessions) and mean score over the judged sessions",
  noData: "no reports",
  filesIntro: "Every file in the coach's scenarios folder. A file with problems is not used; if an earlier " +
    "version of it was good, that version stays live until the file is fixed. The trainer's guide " +
    "explains each message; make check-scenarios runs the full check.",
  live: "Live",
  liveOld: "Live: the last good version (this edit is refused)",
  notLive: "Not live",
  problem: (p) => (p.line ? `Line ${p.line}` : "") + (p.field ? `, field '${p.field}'` : "") +
    (p.line || p.field ? ": " : "") + p.problem + (p.fix ? `. ${p.fix}` : ""),
  noProblems: "None",
  // Probes: short set-ups and a learner turn, with where a fitting answer may come from (make check-scenarios).
  probesScripted: (p) => `${p.passed} of ${p.total} pass with scripted moves`,
  probesNlu: (p) => `${p.passed} of ${p.total} with the real NLU (${p.model})`,
  probesNoNlu: "not yet run with the real NLU (make check-scenarios)",
  probeFailed: (r) => `${r.probe}: "${r.said}" got "${r.reply}" (${r.source}); expected ${r.expect.join(", ")}`,
  rails: (ids) => `Rails: ${ids.length ? ids.join(", ") : "none"}`,
  notFound: "That page does not exist.",
  flaggedIntro: "Learner turns the learner said the coach misread (\u201cthat's not what I meant\u201d in the " +
    "web chat), newest first: what they typed, what the coach heard and what they meant. make " +
    "export-corrections writes them as NLU training data for someone to review before any goes into data/nlu/.",
  noFlagged: "No learner has flagged a turn yet.",
  flaggedCols: ["Flagged (UTC)", "Learner", "Scenario", "Turn", "The learner said", "Heard as", "They meant", "Session"],
  meantNote: (words) => `The learner meant: ${words}`,
};

const base = new URL("./", import.meta.url);
const head = document.querySelector(".tr-head");
const main = document.getElementById("tr-main");
let token = read();
let lastList = "#/sessions";

// ---- building blocks -------------------------------------------------------------------

function when(iso) {
  return iso ? iso.replace("T", " ").replace(/:\d\d\+00:00$/, "") : "";
}

function read() {
  try { return sessionStorage.getItem(KEY); } catch (e) { return null; }
}

function keep(value) {
  try {
    if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY);
  } catch (e) { /* storage blocked: this page view only */ }
}

function table(caption, cols, rows, attrs) {
  return el("table", attrs || {},
    caption ? el("caption", {}, caption) : null,
    el("thead", {}, el("tr", {}, cols.map((c) => el("th", { scope: "col" }, c)))),
    el("tbody", {}, rows));
}

// ---- talking to the coach --------------------------------------------------------------

class Refused extends Error {}

/** Call the trainer API with the token; a refusal signs out and shows the coach's reason. */
async function api(path, params, raw) {
  const url = new URL(`api/${path}`, base);
  for (const [key, value] of Object.entries(params || {})) if (value) url.searchParams.set(key, value);
  let resp;
  try {
    resp = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, credentials: "omit", cache: "no-store" });
  } catch (e) {
    throw new Error(TEXT.offline);
  }
  if (!resp.ok) {
    let body = null;
    try { body = await resp.json(); } catch (e) { /* not JSON: say the status */ }
    const message = (body && body.error) || TEXT.failed(resp.status);
    if (resp.status === 403) {
      signOut(message);
      throw new Refused(message);
    }
    throw new Error(message);
  }
  return raw ? resp : resp.json();
}

// ---- signing in ------------------------------------------------------------------------

const nav = el("nav", { "aria-label": TEXT.nav, class: "tr-nav", hidden: true });
const signOutButton = el("button", { type: "button", class: "tr-signout" }, TEXT.signOut);
nav.append(el("ul", {}, Object.entries(TEXT.views).map(([view, name]) =>
  el("li", {}, el("a", { href: `#/${view}`, "data-view": view }, name)))), signOutButton);
head.append(nav);
signOutButton.addEventListener("click", () => signOut(null));

function signOut(message) {
  token = null;
  keep(null);
  nav.hidden = true;
  showSignIn(message);
}

function showSignIn(message) {
  const input = el("input", { id: "tr-token", type: "password", autocomplete: "off", spellcheck: "false",
    "aria-describedby": "tr-token-help" });
  const error = el("div", { class: "tr-error", role: "alert" }, message || "");
  error.hidden = !message;
  const form = el("form", { class: "tr-signin", "aria-labelledby": "tr-signin-title" },
    el("h2", { id: "tr-signin-title" }, TEXT.signInTitle),
    el("p", { id: "tr-token-help" }, TEXT.signInHelp),
    el("label", { for: "tr-token" }, TEXT.tokenLabel),
    el("div", { class: "tr-row" }, input, el("button", { type: "submit", class: "tr-primary" }, TEXT.signIn)),
    error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const typed = input.value.trim();
    if (!typed) {
      error.textContent = TEXT.empty;
      error.hidden = false;
      input.focus();
      return;
    }
    token = typed;
    try {
      await api("scenarios");  // proves the token before anything else is shown
    } catch (err) {
      if (!(err instanceof Refused)) {
        error.textContent = err.message;
        error.hidden = false;
      }
      return;
    }
    keep(token);
    route(true);
  });
  main.replaceChildren(form);
  main.setAttribute("aria-busy", "false");
  input.focus();
}

// ---- views -----------------------------------------------------------------------------

function parseHash() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  return { view: path || "sessions", params: new URLSearchParams(query || "") };
}

let routing = 0;  // each route's number: a slower, older view never replaces a newer one

async function route(moveFocus) {
  const mine = ++routing;
  if (!token) {
    showSignIn(null);
    return;
  }
  nav.hidden = false;
  const { view, params } = parseHash();
  for (const link of nav.querySelectorAll("a")) {
    const current = link.dataset.view === view || (view === "session" && link.dataset.view === "sessions");
    if (current) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  const views = { sessions, session, cohort, flagged, scenarios };
  const status = el("p", { class: "tr-status", role: "status" }, TEXT.loading);
  main.replaceChildren(status);
  main.setAttribute("aria-busy", "true");
  let content;
  try {
    content = views[view] ? await views[view](params) : [heading(TEXT.notFound)];
  } catch (err) {
    if (err instanceof Refused) return;  // the sign-in form is showing the reason
    content = [heading(TEXT.views[view] || TEXT.notFound), el("div", { class: "tr-error", role: "alert" }, err.message)];
  }
  if (mine !== routing) return;  // the trainer has moved on to another page meanwhile
  main.replaceChildren(...content);
  main.setAttribute("aria-busy", "false");
  document.title = `${main.querySelector("h2").textContent} - trainer results - outcomes coach`;
  if (moveFocus) main.querySelector("h2").focus();
}

function heading(text) {
  return el("h2", { tabindex: "-1" }, text);
}

function filterValues(params) {
  return { scenario: params.get("scenario") || "", from: params.get("from") || "",
    to: params.get("to") || "", learner: params.get("learner") || "" };
}

/** The filter form shared by the sessions and cohort views; showing changes the address. */
function filterForm(view, values, scenarioList) {
  const choice = el("select", { id: "f-scenario", name: "scenario" },
    el("option", { value: "" }, TEXT.allScenarios),
    scenarioList.map((s) => el("option", { value: s.id }, s.title ? `${s.title} (${s.id})` : s.id)));
  choice.value = values.scenario;
  const field = (id, label, input) => el("div", { class: "tr-field" }, el("label", { for: id }, label), input);
  const input = (id, name, type) => el("input", { id, name, type, value: values[name] || "" });
  const form = el("form", { class: "tr-filters", "aria-label": TEXT.filters },
    field("f-scenario", TEXT.scenario, choice),
    field("f-from", TEXT.from, input("f-from", "from", "date")),
    field("f-to", TEXT.to, input("f-to", "to", "date")),
    field("f-learner", TEXT.learner, input("f-learner", "learner", "text")),
    el("div", { class: "tr-field tr-buttons" },
      el("button", { type: "submit", class: "tr-primary" }, TEXT.show),
      el("a", { href: `#/${view}` }, TEXT.clear)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (String(value).trim()) query.set(key, String(value).trim());
    const hash = `#/${view}${query.toString() ? `?${query}` : ""}`;
    if (location.hash === hash) route(true); else location.hash = hash;
  });
  return form;
}

/** Live scenarios for the filter, plus any scenario that only old sessions name. */
async function scenarioOptions(extra) {
  const files = (await api("scenarios")).files.filter((f) => f.live);
  const list = files.map((f) => ({ id: f.id, title: f.title }));
  for (const id of extra) if (id && !list.some((s) => s.id === id)) list.push({ id, title: null });
  return list;
}

/** Links to the pages before and after this one (with the same filters), when there is more than one. */
function pager(data, values, limit) {
  if (data.pages <= 1) return null;
  const link = (page) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...values, limit })) if (value) query.set(key, value);
    if (page > 1) query.set("page", String(page));
    return `#/sessions${query.toString() ? `?${query}` : ""}`;
  };
  return el("nav", { class: "tr-pager", "aria-label": TEXT.pages },
    data.page > 1 ? el("a", { href: link(data.page - 1), rel: "prev" }, TEXT.previous) : null,
    el("span", { class: "tr-page" }, TEXT.pageOf(data)),
    data.page < data.pages ? el("a", { href: link(data.page + 1), rel: "next" }, TEXT.next) : null);
}

async function sessions(params) {
  const values = filterValues(params);
  const limit = params.get("limit") || "";
  const data = await api("sessions", { ...values, page: params.get("page") || "", limit });
  lastList = location.hash || "#/sessions";
  const choices = await scenarioOptions([...data.by_scenario.map((r) => r.scenario), values.scenario]);
  const note = el("p", { class: "tr-status", role: "status" });
  const csv = el("button", { type: "button", class: "tr-csv" }, TEXT.csv);
  csv.addEventListener("click", async () => {
    try {
      const resp = await api("export.csv", values, true);
      const name = /filename="([^"]+)"/.exec(resp.headers.get("Content-Disposition") || "");
      saveFile(await resp.blob(), name ? name[1] : "sessions.csv");
      note.textContent = TEXT.csvDone;
    } catch (err) {
      if (!(err instanceof Refused)) note.textContent = err.message;
    }
  });
  const byScenario = table(null, [TEXT.cols.scenario, TEXT.cols.sessions, TEXT.cols.finished, TEXT.cols.learners],
    data.by_scenario.map((r) => el("tr", { "data-scenario": r.scenario || "" },
      el("th", { scope: "row" }, r.title || r.scenario || "–"),
      el("td", { "data-col": "sessions" }, r.sessions),
      el("td", { "data-col": "finished" }, r.finished),
      el("td", { "data-col": "learners" }, r.learners))), { class: "tr-by-scenario", "aria-labelledby": "tr-by-scenario" });
  const c = TEXT.cols;
  const list = table(null, [c.started, c.learner, c.scenario, c.turns, c.finished, c.outcomes, c.met, c.partly,
    c.not_met, c.not_judged, c.mean, c.open],
  data.sessions.map((s) => el("tr", { "data-sender": s.sender_id, "data-learner": s.learner, "data-scenario": s.scenario || "" },
    el("td", { class: "tr-when" }, when(s.started)),
    el("td", { class: "tr-id" }, s.learner),
    el("td", {}, s.title || s.scenario || "–"),
    el("td", { "data-col": "turns" }, s.turns),
    el("td", { "data-col": "finished" }, s.finished ? TEXT.yes : TEXT.no),
    el("td", { "data-col": "outcomes" }, `${s.outcomes_disclosed} of ${s.outcomes_total}`),
    BUCKETS.map((v) => el("td", { "data-col": v }, s.verdicts[v] || 0)),
    el("td", { "data-col": "mean" }, s.mean_score == null ? "–" : pct(s.mean_score)),
    el("td", {}, el("a", { href: `#/session?sender=${encodeURIComponent(s.sender_id)}` },
      TEXT.cols.open, el("span", { class: "tr-sr" }, TEXT.openSession(s)))))),
  { class: "tr-sessions", "aria-labelledby": "tr-all-sessions" });
  return [
    heading(TEXT.views.sessions),
    filterForm("sessions", values, choices),
    el("p", { class: "tr-summary", "data-count": data.count }, TEXT.summary(data)),
    el("p", {}, csv), note,
    el("h3", { id: "tr-by-scenario" }, TEXT.byScenario),
    data.by_scenario.length ? el("div", { class: "tr-scroll", tabindex: "0", role: "region", "aria-labelledby": "tr-by-scenario" }, byScenario) : el("p", {}, TEXT.noSessions),
    el("h3", { id: "tr-all-sessions" }, TEXT.allSessions),
    data.sessions.length ? el("div", { class: "tr-scroll", tabindex: "0", role: "region", "aria-labelledby": "tr-all-sessions" }, list)
      : el("p", {}, TEXT.noSessions),
    pager(data, values, limit),
  ];
}

function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function session(params) {
  const d = await api("session", { sender: params.get("sender") || "" });
  const who = d.person || TEXT.thePerson;
  const f = TEXT.facts;
  const c = TEXT.cols;
  const facts = [[f.learner, d.learner], [f.scenario, d.title || d.scenario || "–"], [f.started, when(d.started)],
    [f.ended, when(d.ended)], [f.turns, String(d.turns)], [f.finished, d.finished ? TEXT.yes : TEXT.no],
    [f.outcomes, `${d.outcomes_disclosed} of ${d.outcomes_total}`], [f.sender, d.sender_id]];
  const rows = d.transcript.map((r) => el("tr", { "data-turn": r.turn },
    el("th", { scope: "row" }, r.turn),
    el("td", { class: "tr-said" }, r.text),
    el("td", { "data-col": "move" }, r.move, el("span", { class: "tr-muted" }, TEXT.confidence(r.confidence))),
    el("td", { "data-col": "form" }, r.form,
      r.meant ? el("p", { class: "tr-meant" }, TEXT.meantNote(r.meant)) : null),
    el("td", { "data-col": "disclosed" }, r.disclosed.length
      ? el("ul", {}, r.disclosed.map((x) => el("li", { "data-fact": x.id }, factText(x)))) : TEXT.nothing),
    el("td", { class: "tr-replies" },
      r.said.map((line) => el("p", {}, line)),
      r.coach.map((line) => el("p", { class: "tr-muted" }, TEXT.coachSent(line))))));
  return [
    el("p", {}, el("a", { href: lastList }, TEXT.back)),
    heading(TEXT.sessionTitle(d)),
    el("dl", { class: "tr-facts" }, facts.map(([k, v]) => el("div", {}, el("dt", {}, k), el("dd", {}, v)))),
    el("h3", { id: "tr-transcript" }, TEXT.transcript),
    el("p", {}, TEXT.transcriptNote),
    el("div", { class: "tr-scroll", tabindex: "0", role: "region", "aria-labelledby": "tr-transcript" },
      table(null, [c.turn, c.said, c.move, c.form, TEXT.whoDisclosed(who), TEXT.whoReplied(who)], rows,
        { class: "tr-transcript" })),
    el("h3", {}, TEXT.disclosedTitle(who)),
    d.disclosed.length
      ? el("ol", { class: "tr-disclosed" }, d.disclosed.map((x) => el("li", { "data-fact": x.id, "data-turn": x.turn },
        TEXT.atTurn(x.turn), factText(x))))
      : el("p", {}, TEXT.disclosedNone),
    el("h3", {}, TEXT.report(d.report ? d.report.final : d.finished)),
    d.report ? reportCard(d.report, "tr") : el("p", {}, TEXT.noReport),
  ];
}

function factText(x) {
  const kind = TEXT.kinds[x.kind] || x.kind || "";
  return `${kind ? `${kind}: ` : ""}${x.words ? `“${x.words}”` : x.id}${x.words ? ` (${x.id})` : ""}`;
}

async function cohort(params) {
  const values = filterValues(params);
  const d = await api("cohort", values);
  const choices = await scenarioOptions([values.scenario]);
  const c = TEXT.cols;
  const rows = d.criteria.map((x) => el("tr", { "data-criterion": x.id },
    el("th", { scope: "row" }, x.title),
    BUCKETS.map((v) => el("td", { "data-verdict": v }, x.counts[v] || 0)),
    el("td", { "data-col": "mean" }, x.mean_score == null ? "–" : pct(x.mean_score))));
  return [
    heading(TEXT.views.cohort),
    filterForm("cohort", values, choices),
    el("p", { class: "tr-summary", "data-count": d.sessions, "data-mean": d.mean_score == null ? "" : d.mean_score },
      TEXT.cohortSummary(d)),
    el("figure", { class: "tr-chart" },
      el("figcaption", { id: "tr-chart-title" }, TEXT.chartTitle),
      chart(d.criteria),
      el("ul", { class: "tr-legend" }, BUCKETS.map((v) => el("li", {},
        el("span", { class: `tr-swatch tr-${v}`, "aria-hidden": "true" }), LABELS[v])))),
    el("p", { class: "tr-muted" }, TEXT.cohortNote),
    el("div", { class: "tr-scroll", tabindex: "0", role: "region", "aria-label": TEXT.tableCaption }, table(TEXT.tableCaption,
      [c.criterion, c.met, c.partly, c.not_met, c.not_judged, c.mean], rows, { class: "tr-cohort" })),
  ];
}

/** Stacked bars of met / partly / not met / not judged per criterion, in SVG, mean score at the end. */
function chart(criteria) {
  const rowH = 34, labelW = 250, barW = 380, gap = 10, width = labelW + barW + 70;
  const height = criteria.length * rowH + 8;
  const svg = el("svg:svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "tr-svg",
    "aria-labelledby": "tr-chart-title tr-chart-desc" },
  el("svg:desc", { id: "tr-chart-desc" }, TEXT.chartDesc));
  criteria.forEach((x, i) => {
    const y = i * rowH + 4;
    const total = BUCKETS.reduce((sum, v) => sum + (x.counts[v] || 0), 0);
    const row = el("svg:g", { "data-criterion": x.id },
      el("svg:text", { x: 0, y: y + rowH / 2 + 1, class: "tr-svg-label", "dominant-baseline": "middle" }, x.title));
    if (!total) {
      row.append(el("svg:rect", { x: labelW, y: y + 4, width: barW, height: rowH - gap, class: "tr-svg-none" }),
        el("svg:text", { x: labelW + 8, y: y + rowH / 2 + 1, class: "tr-svg-dark", "dominant-baseline": "middle" }, TEXT.noData));
    }
    let x0 = labelW;
    for (const v of BUCKETS) {
      const n = x.counts[v] || 0;
      if (!n) continue;
      const w = (n / total) * barW;
      row.append(el("svg:rect", { x: x0, y: y + 4, width: w, height: rowH - gap, class: `tr-svg-${v}`, "data-verdict": v,
        "data-count": n }));
      if (w >= 22) {
        row.append(el("svg:text", { x: x0 + w / 2, y: y + rowH / 2 + 1, "text-anchor": "middle",
          class: v === "not_judged" ? "tr-svg-count tr-svg-count-dark" : "tr-svg-count",
          "dominant-baseline": "middle" }, n));
      }
      x0 += w;
    }
    row.append(el("svg:text", { x: labelW + barW + 8, y: y + rowH / 2 + 1, class: "tr-svg-mean", "dominant-baseline": "middle" },
      x.mean_score == null ? "–" : pct(x.mean_score)));
    svg.append(row);
  });
  return svg;
}

/** Every flagged turn: what the learner typed, what the coach heard, what they meant. */
async function flagged() {
  const rows = (await api("flagged")).flagged;
  const list = table(null, TEXT.flaggedCols, rows.map((r) => el("tr", { "data-sender": r.sender_id, "data-turn": r.turn },
    el("td", { class: "tr-when" }, when(r.when)),
    el("td", { class: "tr-id" }, r.learner),
    el("td", {}, r.title || r.scenario || "–"),
    el("td", { "data-col": "turn" }, r.turn == null ? "–" : r.turn),
    el("th", { scope: "row", class: "tr-said" }, r.text),
    el("td", { "data-col": "heard" }, r.heard),
    el("td", { "data-col": "meant" }, r.meant_label),
    el("td", {}, el("a", { href: `#/session?sender=${encodeURIComponent(r.sender_id)}` },
      TEXT.cols.open, el("span", { class: "tr-sr" }, TEXT.openSession({ learner: r.learner, started: r.when })))))),
  { class: "tr-flagged", "aria-labelledby": "tr-flagged-title" });
  return [
    heading(TEXT.views.flagged),
    el("p", {}, TEXT.flaggedIntro),
    el("h3", { id: "tr-flagged-title", class: "tr-sr" }, TEXT.views.flagged),
    rows.length ? el("div", { class: "tr-scroll", tabindex: "0", role: "region", "aria-labelledby": "tr-flagged-title" }, list)
      : el("p", {}, TEXT.noFlagged),
  ];
}

/** A live file's probe results: scripted, with the real NLU if checked, its rails, and what failed. */
function probeCell(p) {
  if (!p || !p.total) return "–";
  const failed = [...p.failed, ...((p.nlu && p.nlu.failed) || [])];
  return el("div", {},
    el("p", { class: p.rate >= p.needs ? "tr-good" : "tr-bad" }, TEXT.probesScripted(p)),
    el("p", { class: p.nlu ? (p.nlu.rate >= p.needs ? "tr-good" : "tr-bad") : "" },
      p.nlu ? TEXT.probesNlu(p.nlu) : TEXT.probesNoNlu),
    el("p", {}, TEXT.rails(p.rails)),
    failed.length ? el("ul", { class: "tr-problems" }, failed.map((r) => el("li", {}, TEXT.probeFailed(r)))) : null);
}

async function scenarios() {
  const files = (await api("scenarios")).files;
  const c = TEXT.cols;
  const rows = files.map((f) => el("tr", { "data-file": f.file, "data-live": String(f.live) },
    el("th", { scope: "row", class: "tr-id tr-file" }, f.file),
    el("td", {}, f.id ? `${f.title} (${f.id})` : "–"),
    el("td", {}, f.conversation || "–"),
    el("td", { class: f.problems.length ? "tr-bad" : "tr-good" },
      f.live ? (f.problems.length ? TEXT.liveOld : TEXT.live) : TEXT.notLive),
    el("td", {}, f.problems.length
      ? el("ul", { class: "tr-problems" }, f.problems.map((p) => el("li", {}, TEXT.problem(p)))) : TEXT.noProblems),
    el("td", { class: "tr-probes" }, probeCell(f.probes))));
  return [
    heading(TEXT.views.scenarios),
    el("p", {}, TEXT.filesIntro),
    el("div", { class: "tr-scroll", tabindex: "0", role: "region", "aria-label": TEXT.views.scenarios },
      table(null, [c.file, c.scenario, c.conversation, c.status, c.problems, c.probes], rows,
      { class: "tr-files" })),
  ];
}

window.addEventListener("hashchange", () => route(true));
route(false);
