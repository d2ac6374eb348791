/*
 * outcomes-coach: building the coach's own pages (trainer, progress) from plain DOM. An ES module,
 * served at /trainer/shared/dom.js and /chat/shared/dom.js.
 *
 * web/widget.js runs on other sites from one script tag, so it keeps a copy of el() and pct() (and
 * of SVG); the copies must stay the same as these (tests/web/test_shared.py compares them).
 */

const SVG = "http://www.w3.org/2000/svg";

/**
 * An element with attributes and children, never built from markup.
 *
 * Attributes: `false`, `null` and `undefined` leave the attribute out, `true` sets it empty, any
 * other value is set as a string. Children: a string or a number becomes a text node (so `0` shows
 * as "0": write `n ? node : null`, not `n && node`, when n is a count); null, undefined and
 * booleans are skipped; arrays (one level) are flattened; a node is appended as it is. A tag such
 * as "svg:rect" makes an SVG element.
 */
export function el(tag, attrs, ...children) {
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
export function pct(share) {
  return `${Math.round((Number(share) || 0) * 100)}%`;
}
