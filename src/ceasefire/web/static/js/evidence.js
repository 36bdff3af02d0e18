// A report's text with the evidence spans of its mention wrapped in <mark>.
//
// Offsets are Python character offsets (code points) into the report's text; JavaScript strings
// count UTF-16 units, so texts with characters outside the BMP (emoji, some scripts) are mapped.
// Spans may overlap (one phrase can be evidence for two fields): the text is cut at every span
// boundary and each piece is marked with all the fields that cover it. Nothing is parsed as HTML.

function codePointIndex(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return null;
  const index = [];
  let unit = 0;
  for (const ch of text) {
    index.push(unit);
    unit += ch.length;
  }
  index.push(unit);
  return index;
}

// The spans that really point at their text (a span whose offsets do not match is looked up by
// its text instead, and left out when it is not there).
export function locateSpans(text, evidence) {
  const index = codePointIndex(text);
  const unit = (cp) => (index ? index[Math.min(cp, index.length - 1)] : cp);
  const spans = [];
  for (const ev of evidence || []) {
    if (!ev || typeof ev.start !== "number" || typeof ev.end !== "number" || ev.end <= ev.start) continue;
    if (ev.field === "notes") continue; // the sentences that tell the event: context, not a coded value
    let start = unit(ev.start);
    let end = unit(ev.end);
    if (typeof ev.text === "string" && ev.text && text.slice(start, end) !== ev.text) {
      const found = text.indexOf(ev.text);
      if (found < 0) continue;
      start = found;
      end = found + ev.text.length;
    }
    if (start < 0 || end > text.length) continue;
    spans.push({ start, end, field: String(ev.field || "other") });
  }
  return spans;
}

export function highlight(text, evidence) {
  const fragment = document.createDocumentFragment();
  const spans = locateSpans(text, evidence);
  const cuts = new Set([0, text.length]);
  for (const s of spans) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const piece = text.slice(from, to);
    const fields = [...new Set(spans.filter((s) => s.start <= from && s.end >= to).map((s) => s.field))];
    if (!fields.length) {
      fragment.appendChild(document.createTextNode(piece));
      continue;
    }
    const mark = document.createElement("mark");
    mark.textContent = piece;
    mark.className = fields.map((f) => `ev-${f.replace(/[^a-z0-9_]/gi, "")}`).join(" ");
    mark.dataset.fields = fields.join(" ");
    mark.title = fields.join(", ");
    fragment.appendChild(mark);
  }
  return fragment;
}
