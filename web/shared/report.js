/*
 * outcomes-coach: the coach's report card on its own pages (the trainer's session page). An ES
 * module, served at /trainer/shared/report.js and /chat/shared/report.js.
 *
 * It draws the feedback_report payload (../shared/design/feedback-rubric.md): the figures, each
 * criterion with its verdict, its score unless it was not judged, the coach's note, the learner's
 * own turns quoted as evidence and a suggestion, then the outcomes drawn out, then the arc: how the
 * conversation changed (first third against last third) and the person's rapport turn by turn, as a
 * small line chart with a table alternative. The verdicts and the "was it judged?" rule come from
 * verdicts.js. web/widget.js draws the same payload in the chat with its own copy of those rules and
 * of the arc below (ARC_TEXT, ARC_CHART, signed, arcSection, arcChart, arcTable: change them there
 * and here together; tests/web/test_shared.py compares them).
 */

import { el, pct } from "./dom.js";
import { labelOf, scoreOf, verdictOf } from "./verdicts.js";

export const TEXT = Object.freeze({
  figures: (f, hints) => `${f.turns} turns · ${f.questions} questions · ${pct(f.open_share)} open · ` +
    `${f.outcomes_disclosed} of ${f.outcomes_total} outcomes drawn out · hints used: ${hints}`,
  evidenceTurn: (n) => `Turn ${n}: `,
  tryThis: "Suggestion: ",
  outcomesHeard: "Outcomes drawn out, in the person's words",
  outcomesUnheard: (n) => `${n} outcome${n === 1 ? "" : "s"} not drawn out.`,
});

/**
 * The report as a card. Every class name starts with `prefix` (e.g. "tr": tr-report, tr-crit,
 * tr-met, tr-verdict, tr-score, tr-evidence), so each page styles it in its own stylesheet.
 */
export function reportCard(report, prefix) {
  const heard = (report.outcomes || []).filter((o) => o.disclosed);
  const unheard = (report.outcomes || []).length - heard.length;
  return el("div", { class: `${prefix}-report` },
    report.figures ? el("p", { class: `${prefix}-muted` }, TEXT.figures(report.figures, report.hints_used || 0)) : null,
    el("ol", { class: `${prefix}-criteria` }, (report.criteria || []).map((c) => criterion(c, prefix))),
    heard.length || unheard ? el("div", { class: `${prefix}-outcomes` },
      el("h4", {}, TEXT.outcomesHeard),
      heard.length ? el("ul", {}, heard.map((o) => el("li", {}, `“${o.words}”`))) : null,
      unheard ? el("p", {}, TEXT.outcomesUnheard(unheard)) : null) : null,
    arcSection(report.arc, prefix));
}

/** One criterion: a criterion not judged says so, with the coach's note and no score. */
export function criterion(c, prefix) {
  const score = scoreOf(c);
  return el("li", { class: `${prefix}-crit ${prefix}-${verdictOf(c)}`, "data-criterion": c.id },
    el("div", { class: `${prefix}-crit-head` },
      el("h4", {}, c.title || c.id),
      el("span", { class: `${prefix}-verdict` }, labelOf(c)),
      score === null ? null : el("span", { class: `${prefix}-score` }, score)),
    c.note ? el("p", { class: `${prefix}-note` }, c.note) : null,
    (c.evidence || []).length ? el("ul", { class: `${prefix}-evidence` }, c.evidence.map((e) =>
      el("li", {}, TEXT.evidenceTurn(e.turn), el("q", {}, e.text), e.note ? ` (${e.note})` : null))) : null,
    c.suggestion ? el("p", {}, el("strong", {}, TEXT.tryThis), c.suggestion) : null);
}

// ---- the arc: how the conversation changed, and the person's rapport turn by turn ----------------
// The payload's `arc` (coach/rubric.py arc()): first and last (listening and questioning, 0..1, or
// null), recovered, and rapport: [{turn, rapport, change, moved, move}]. The text report says the
// same in words (coach/report.py arc_lines). A report stored before the arc existed has none: then
// nothing is shown.

export const ARC_TEXT = Object.freeze({
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
export const ARC_CHART = Object.freeze({ width: 320, height: 160, left: 40, right: 12, top: 12, bottom: 36 });

/** A change of rapport in points out of 100, signed ("+10", "-6", "0"). */
export function signed(change) {
  const points = Math.round((Number(change) || 0) * 100);
  return points > 0 ? `+${points}` : String(points);
}

/** The arc of the report, or null when the report has none (an older payload) or nothing to show. */
export function arcSection(arc, prefix) {
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
export function arcChart(points, prefix) {
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
export function arcTable(points, prefix) {
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
