/*
 * outcomes-coach: the coach's report card on its own pages (the trainer's session page). An ES
 * module, served at /trainer/shared/report.js and /chat/shared/report.js.
 *
 * It draws the feedback_report payload (../shared/design/feedback-rubric.md): the figures, each
 * criterion with its verdict, its score unless it was not judged, the coach's note, the learner's
 * own turns quoted as evidence and a suggestion, then the outcomes drawn out. The verdicts and the
 * "was it judged?" rule come from verdicts.js. web/widget.js draws the same payload in the chat
 * with its own copy of those rules.
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
      unheard ? el("p", {}, TEXT.outcomesUnheard(unheard)) : null) : null);
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
