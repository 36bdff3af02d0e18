// The event page: the reconciled record and its review state, each source's claims side by side,
// every report with its evidence highlighted, the review panel and the change history.

import {
  api, append, clear, el, externalLink, formatActor, formatCount, formatPlace, formatValue, showError, typeColor,
} from "./api.js";
import { highlight } from "./evidence.js";
import { lastView } from "./filters.js";
import { setupReview } from "./review.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(window.location.search);
const eventId = Number.parseInt(params.get("id") || "", 10);

// one row per field, in the side-by-side table
const CLAIM_ROWS = [
  ["Type", (m) => [m.event_type, m.sub_event_type].filter(Boolean).join(" · ") || null],
  ["Date", (m) => m.date],
  ["Place", (m) => (m.location ? formatPlace(m.location) : null)],
  ["Actor 1", (m) => (m.actor1 ? formatActor(m.actor1) : null)],
  ["Actor 2", (m) => (m.actor2 ? formatActor(m.actor2) : null)],
  ["Fatalities", (m) => (m.fatalities ? formatCount(m.fatalities) : null)],
  ["Wounded", (m) => (m.wounded ? formatCount(m.wounded) : null)],
  ["Claimed by", (m) => formatValue("claimed_by", m.claimed_by)],
  ["Denied by", (m) => formatValue("denied_by", m.denied_by)],
];
const FIELD_OF_ROW = { "Type": "sub_event_type", "Date": "date", "Place": "location", "Actor 1": "actor1",
  "Actor 2": "actor2", "Fatalities": "fatalities", "Wounded": "wounded" };

let review = null;

function renderSummary(event) {
  const place = event.location ? formatPlace(event.location) : "unknown place";
  $("title").textContent = `Event ${event.store_id}: ${event.sub_event_type || event.event_type} · ${place} · ${event.date}`;
  document.title = `ceasefire · event ${event.store_id}`;
  const state = event.review_state || "machine";
  $("state").textContent = state;
  $("state").className = `state state-${state}`;
  const pinned = new Set(event.reviewed_fields || []);
  const swatch = el("span", { class: "swatch" });
  swatch.style.background = typeColor(event.event_type);
  const loc = event.location || {};
  const rows = [
    ["Type", [swatch, `${event.event_type} · ${event.sub_event_type}`], "sub_event_type"],
    ["Date", `${event.date}${event.date_precision && event.date_precision !== "day" ? ` (${event.date_precision})` : ""}`, "date"],
    ["Place", `${place}${loc.lat !== null && loc.lat !== undefined ? ` (${loc.lat}, ${loc.lon})` : ""}`, "location"],
    ["Actor 1", formatActor(event.actor1), "actor1"],
    ["Actor 2", formatActor(event.actor2), "actor2"],
    ["Fatalities (low/best/high)", formatCount(event.fatalities), "fatalities"],
    ["Wounded (low/best/high)", formatCount(event.wounded), "wounded"],
    ["Weapons", (event.weapons || []).map((w) => w.name).join(", ") || "–"],
    ["Ceasefire violation", event.ceasefire_violation ? "yes" : "no"],
    ["Territory", event.territory_change ? formatValue("territory_change", event.territory_change) : "–"],
    ["Claimed by", formatValue("claimed_by", event.claimed_by)],
    ["Denied by", formatValue("denied_by", event.denied_by)],
    ["Sources", `${event.number_of_sources || 1} outlet(s)${event.contested ? " · sources disagree" : ""}`],
  ];
  const list = clear($("fields"));
  for (const [label, value, field] of rows) {
    const dd = el("dd", { class: field && pinned.has(field) ? "pinned" : undefined, dataset: { field: field || "" } });
    append(dd, [value]);
    list.append(el("dt", {}, label), dd);
  }
}

function renderClaims(detail) {
  const table = clear($("claims"));
  const event = detail.event;
  // each report's values: its mention, with the claims table's values over it when present
  const columns = detail.reports.map((report) => {
    const values = { ...(report.mention || {}) };
    for (const claim of detail.claims) {
      if (claim.mention_id === report.mention_id && claim.value !== null && claim.value !== undefined) {
        values[claim.field] = claim.value;
      }
    }
    return { report, values };
  });
  const head = el("tr", {}, el("th", { class: "field" }, "Field"), el("th", {}, "Reconciled"));
  for (const { report } of columns) {
    head.appendChild(el("th", {}, report.source || report.report_key, el("div", { class: "muted" }, report.published)));
  }
  table.appendChild(el("thead", {}, head));
  const body = el("tbody");
  for (const [label, read] of CLAIM_ROWS) {
    const merged = read(event) || "–";
    const tr = el("tr", { dataset: { field: FIELD_OF_ROW[label] || "" } }, el("th", { class: "field" }, label), el("td", {}, merged));
    for (const { values } of columns) {
      const value = read(values) || "–";
      tr.appendChild(el("td", { class: value !== merged && value !== "–" ? "differs" : undefined }, value));
    }
    body.appendChild(tr);
  }
  table.appendChild(body);
}

function renderReports(detail) {
  const box = clear($("reports"));
  for (const report of detail.reports) {
    const outlets = (report.outlets || []).map((o) => (o.url ? externalLink(o.url, o.source || o.url) : el("span", {}, o.source || "unnamed")));
    const pick = el("input", { type: "checkbox", class: "split-pick", value: String(report.mention_id),
      "aria-label": `select report ${report.report_key} for a split` });
    pick.addEventListener("change", () => review && review.splitChanged());
    const evidence = (report.mention && report.mention.evidence) || [];
    const text = el("div", { class: "report-text" });
    text.appendChild(highlight(report.text || "", evidence));
    const article = el("article", { class: "report", dataset: { mention: String(report.mention_id), report: report.report_key } },
      el("div", { class: "report-head" },
        el("label", { class: "muted" }, pick, " split"),
        el("strong", {}, report.source || "unnamed source"),
        el("span", { class: "muted" }, `published ${report.published} · ${report.report_key}`),
        report.url ? externalLink(report.url) : null,
        outlets.length > 1 ? el("span", { class: "muted" }, "also carried by: ", ...outlets.flatMap((o, i) => (i ? [", ", o] : [o]))) : null,
        el("span", { class: "muted" }, `${evidence.length} evidence span(s)`)),
      text);
    box.appendChild(article);
  }
  if (!detail.reports.length) box.appendChild(el("p", { class: "muted" }, "No report is attached to this event."));
}

const eventLink = (id) => el("a", { href: `event.html?id=${encodeURIComponent(id)}` }, `event ${id}`);

// merges and splits name the events involved (as links); other changes show old → new
function describeChange(change) {
  const { action, old, new: now } = change;
  if (action === "split" && now && typeof now === "object" && "new_event" in now) {
    return [`reports (mentions ${formatValue("", old)}) moved to `, eventLink(now.new_event)];
  }
  if (action === "split" && old && typeof old === "object" && "split_from" in old) {
    return ["split out of ", eventLink(old.split_from)];
  }
  if (action === "merge" && old && typeof old === "object" && "event_id" in old) {
    return [`${old.event_uid ? `event ${old.event_id} (${old.event_uid})` : `event ${old.event_id}`} merged into this one`];
  }
  if (action === "merge" && now && typeof now === "object" && "merged_into" in now) {
    return ["merged into ", eventLink(now.merged_into)];
  }
  return [el("span", { class: "old" }, formatValue(change.field, old)), " → ",
    el("span", { class: "new" }, formatValue(change.field, now))];
}

function renderHistory(history) {
  const body = clear($("history").tBodies[0]);
  for (const change of history || []) {
    const what = describeChange(change);
    body.appendChild(el("tr", { dataset: { field: change.field || "" } },
      el("td", { class: "nowrap" }, (change.at || "").replace("T", " ").replace("Z", "")),
      el("td", { class: "author" }, change.author || "–"),
      el("td", {}, change.action || ""),
      el("td", {}, change.field || ""),
      el("td", { class: "change" }, ...what),
      el("td", {}, change.note || "")));
  }
  if (!body.rows.length) body.appendChild(el("tr", {}, el("td", { colspan: 6, class: "muted" }, "No changes yet: as the machine coded it.")));
}

export async function load() {
  showError($("error"), null);
  if (!Number.isInteger(eventId) || eventId < 1) {
    showError($("error"), new Error("no event id: open this page as event.html?id=N"));
    return null;
  }
  try {
    const detail = await api(`/api/events/${eventId}`);
    await render(detail);
    return detail;
  } catch (err) {
    $("title").textContent = "Event not available";
    showError($("error"), err);
    return null;
  }
}

async function render(detail) {
  renderSummary(detail.event);
  renderClaims(detail);
  renderReports(detail);
  renderHistory(detail.history);
  if (review) await review.show(detail);
  document.body.dataset.ready = "yes";
}

async function start() {
  const view = lastView();
  if (view) $("back").href = `./?${view}`; // back to the map as it was filtered
  let meta = null;
  try {
    meta = await api("/api/meta");
  } catch {
    meta = null; // the correction form then offers the event's own types only
  }
  review = setupReview({ eventId, meta, reload: load });
  await load();
}

start();
