"use strict";
// What both dashboard pages draw with: DOM and SVG elements, text that shows "-" for nothing, table rows.
const svgNs = "http://www.w3.org/2000/svg";
const text = (v) => document.createTextNode(v === null || v === undefined ? "-" : String(v));
function el(tag, attrs, parent, ns) {
  const e = ns ? document.createElementNS(svgNs, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}
function rows(tableId, data, cells) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren();
  for (const d of data) {
    const tr = el("tr", {}, body);
    for (const c of cells(d)) {
      const td = el("td", {}, tr);
      if (c instanceof Node) td.appendChild(c); else td.appendChild(text(c));
    }
  }
}
