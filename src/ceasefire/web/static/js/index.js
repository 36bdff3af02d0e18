// The map page: filters (kept in the URL), the map, the timeline under it, and the event table.

import { api, ApiError, clear, el, formatActor, formatCount, formatPlace, setToken, showError, typeColor } from "./api.js";
import { readFilters, rememberView, toQuery, writeFilters } from "./filters.js";
import { createMap } from "./map.js";
import { createTimeline } from "./timeline.js";

const PAGE = 50;
const $ = (id) => document.getElementById(id);

const form = $("filters");
const errorBox = $("error");
let meta = null;
let filters = readFilters();
let offset = 0;
let tilesOffered = false;
let generation = 0; // answers to an older view are dropped

const eventMap = createMap($("map"), { onStatus: (text) => showError(errorBox, new Error(text)) });
const timeline = createTimeline($("timeline"), {
  onBrush: (since, until) => {
    filters = { ...filters, since, until };
    apply();
  },
});

function fillSelect(select, values, current, label = (v) => v) {
  const keep = select.options[0];
  clear(select).appendChild(keep);
  for (const value of values) select.appendChild(el("option", { value }, label(value)));
  if (current && !values.includes(current)) select.appendChild(el("option", { value: current }, current));
  select.value = current || "";
}

function subTypes(type) {
  const types = (meta && meta.event_types) || {};
  return type ? types[type] || [] : Object.values(types).flat();
}

function showFilters() {
  fillSelect(form.country, (meta && meta.countries) || [], filters.country);
  fillSelect(form.event_type, Object.keys((meta && meta.event_types) || {}), filters.event_type);
  fillSelect(form.sub_event_type, subTypes(filters.event_type), filters.sub_event_type);
  fillSelect(form.side, (meta && meta.sides) || [], filters.side);
  form.q.value = filters.q || "";
  form.since.value = filters.since || "";
  form.until.value = filters.until || "";
  form.state.value = filters.state || "";
  const dated = filters.since || filters.until;
  $("range").textContent = dated ? `${filters.since || "…"} to ${filters.until || "…"}` : "";
  $("clear-range").hidden = !dated;
  timeline.setSelection(filters.since, filters.until);
}

const FORM_FIELDS = ["country", "event_type", "sub_event_type", "side", "q", "since", "until", "state"];

// the form holds every filter but admin1, which only comes from a shared URL
function readForm() {
  const out = filters.admin1 ? { admin1: filters.admin1 } : {};
  for (const name of FORM_FIELDS) {
    const value = (form[name].value || "").trim();
    if (value) out[name] = value;
  }
  if (out.sub_event_type && out.event_type && !subTypes(out.event_type).includes(out.sub_event_type)) {
    delete out.sub_event_type;
  }
  return out;
}

function apply() {
  for (const key of Object.keys(filters)) if (!filters[key]) delete filters[key];
  writeFilters(filters);
  offset = 0;
  showFilters();
  refresh();
}

async function guarded(task) {
  try {
    await task();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) $("token-needed").hidden = false;
    showError(errorBox, err);
  }
}

function refresh() {
  const mine = ++generation;
  showError(errorBox, null);
  document.body.dataset.loading = "yes";
  const interval = meta && meta.first_date && meta.last_date
    && Date.parse(meta.last_date) - Date.parse(meta.first_date) > 120 * 86400000 ? "week" : "day";
  const jobs = [
    guarded(async () => {
      const collection = await api(`/api/events.geojson?${toQuery(filters, { extra: { limit: 20000 } })}`);
      if (mine !== generation) return;
      const { mapped, unplaced } = eventMap.setEvents(collection, { fit: true });
      $("map-status").textContent = `${mapped} event${mapped === 1 ? "" : "s"} on the map`
        + (unplaced ? `, ${unplaced} without coordinates` : "");
    }),
    guarded(async () => {
      const data = await api(`/api/timeline?${toQuery(filters, { without: ["since", "until"], extra: { interval } })}`);
      if (mine !== generation) return;
      timeline.setData(data);
      timeline.setSelection(filters.since, filters.until);
    }),
    loadTable(mine),
  ];
  Promise.all(jobs).finally(() => {
    if (mine === generation) document.body.dataset.loading = "no";
  });
}

function loadTable(mine = generation) {
  return guarded(async () => {
    const page = await api(`/api/events?${toQuery(filters, { extra: { limit: PAGE, offset } })}`);
    if (mine !== generation) return;
    const body = $("events-table").tBodies[0];
    clear(body);
    for (const event of page.items) body.appendChild(row(event));
    if (!page.items.length) {
      body.appendChild(el("tr", {}, el("td", { colspan: 7, class: "muted" }, "No events match these filters.")));
    }
    $("table-status").textContent = page.items.length
      ? `${offset + 1}–${offset + page.items.length}${page.next_offset ? " and more" : ""}` : "";
    $("prev-page").disabled = offset === 0;
    $("next-page").disabled = !page.next_offset;
    $("next-page").dataset.next = page.next_offset || "";
  });
}

function row(event) {
  const id = event.store_id;
  const swatch = el("span", { class: "swatch" });
  swatch.style.background = typeColor(event.event_type);
  const actors = [event.actor1, event.actor2].filter(Boolean).map(formatActor).join(" vs ");
  return el("tr", { dataset: { id: String(id) } },
    el("td", { class: "nowrap" }, el("a", { href: `event.html?id=${encodeURIComponent(id)}` }, event.date)),
    el("td", {}, swatch, event.sub_event_type || event.event_type),
    el("td", {}, formatPlace(event.location)),
    el("td", {}, actors || "–"),
    el("td", { class: "num" }, formatCount(event.fatalities)),
    el("td", { class: "num" }, String(event.number_of_sources || 1)),
    el("td", {}, el("span", { class: `state state-${event.review_state || "machine"}` }, event.review_state || "machine")));
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  filters = readForm();
  apply();
});
form.event_type.addEventListener("change", () => {
  fillSelect(form.sub_event_type, subTypes(form.event_type.value), form.sub_event_type.value);
});
for (const name of FORM_FIELDS.filter((n) => n !== "q")) {
  form[name].addEventListener("change", () => {
    filters = readForm();
    apply();
  });
}
$("reset-filters").addEventListener("click", () => {
  filters = {};
  apply();
});
$("clear-range").addEventListener("click", () => {
  filters = { ...filters, since: undefined, until: undefined };
  apply();
});
$("prev-page").addEventListener("click", () => {
  offset = Math.max(0, offset - PAGE);
  loadTable();
});
$("next-page").addEventListener("click", () => {
  offset = Number($("next-page").dataset.next) || offset + PAGE;
  loadTable();
});
$("token-needed").addEventListener("submit", (e) => {
  e.preventDefault();
  setToken($("read-token").value.trim());
  $("token-needed").hidden = true;
  start();
});
window.addEventListener("popstate", () => {
  filters = readFilters();
  rememberView(filters);
  offset = 0;
  showFilters();
  refresh();
});

async function start() {
  rememberView(filters); // for the event pages' link back
  await guarded(async () => {
    meta = await api("/api/meta");
    if (meta.online_tiles && !tilesOffered) {
      eventMap.offerOnlineTiles();
      tilesOffered = true;
    }
    const range = meta.first_date ? `, ${meta.first_date} to ${meta.last_date}` : "";
    $("store-summary").textContent = `${meta.events} events${range}`;
  });
  showFilters();
  refresh();
}

start();
