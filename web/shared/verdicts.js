/*
 * outcomes-coach: what a criterion's verdict is shown as, and the one rule for "was it judged?".
 * An ES module, served at /trainer/shared/verdicts.js and /chat/shared/verdicts.js.
 *
 * The report contract (../shared/design/feedback-rubric.md): each criterion has a verdict
 * met | partly | not_met | not_judged, and score null when not judged. Reports stored before
 * "not_judged" existed say verdict "not_met" with enough_evidence false; they read the same way.
 * A criterion not judged shows as "Not judged", with no score bar or percentage (never a 0% that
 * reads as a failure), and with the coach's note saying why.
 *
 * web/widget.js keeps a copy of these rules (it must stay one file); tests/web/test_shared.py checks
 * that it shows every payload the same way as this module.
 */

import { pct } from "./dom.js";

export const NOT_JUDGED = "not_judged";
/** The three verdicts of a judged criterion, best first. */
export const VERDICTS = Object.freeze(["met", "partly", "not_met"]);
/** How results count criteria: the three verdicts, then not judged. */
export const BUCKETS = Object.freeze([...VERDICTS, NOT_JUDGED]);
export const LABELS = Object.freeze({ met: "Met", partly: "Partly met", not_met: "Not met", not_judged: "Not judged" });

/** Was the criterion judged? Not when its verdict is "not_judged", nor when an older report says
 * enough_evidence: false. */
export function judged(criterion) {
  return criterion.verdict !== NOT_JUDGED && criterion.enough_evidence !== false;
}

/** The verdict to show: "not_judged" when it was not judged; a verdict this page does not know
 * shows as "not_met". */
export function verdictOf(criterion) {
  if (!judged(criterion)) return NOT_JUDGED;
  return VERDICTS.includes(criterion.verdict) ? criterion.verdict : "not_met";
}

/** The verdict's words: "Met", "Partly met", "Not met" or "Not judged". */
export function labelOf(criterion) {
  return LABELS[verdictOf(criterion)];
}

/** The score as shown ("75%"), or null for a criterion not judged: it has no score to show. */
export function scoreOf(criterion) {
  return judged(criterion) ? pct(criterion.score) : null;
}
