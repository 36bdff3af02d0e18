// The filters live in the page's query string, so that a view can be shared and reloaded.
// Names are the API's (docs/api.md, "Filters"), and go to the API unchanged.

export const FILTERS = ["country", "admin1", "event_type", "sub_event_type", "side", "q", "since", "until", "state"];

export function readFilters(search = window.location.search) {
  const params = new URLSearchParams(search);
  const out = {};
  for (const name of FILTERS) {
    const value = (params.get(name) || "").trim();
    if (value) out[name] = value;
  }
  for (const name of ["since", "until"]) {
    if (out[name] && !/^\d{4}-\d{2}-\d{2}$/.test(out[name])) delete out[name];
  }
  return out;
}

// The filters as a query string, leaving out some (the timeline ignores its own date range).
export function toQuery(filters, { without = [], extra = {} } = {}) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    if (filters[name] && !without.includes(name)) params.set(name, filters[name]);
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  return params.toString();
}

const VIEW_KEY = "ceasefire.view";

// The map page's last query string, so that an event page can link back to the same view.
export function lastView() {
  return sessionStorage.getItem(VIEW_KEY) || "";
}

export function rememberView(filters) {
  sessionStorage.setItem(VIEW_KEY, toQuery(filters));
}

// Put the filters in the address bar; a new history entry so Back returns to the previous view.
export function writeFilters(filters) {
  const query = toQuery(filters);
  rememberView(filters);
  const url = window.location.pathname + (query ? `?${query}` : "") + window.location.hash;
  if (url !== window.location.pathname + window.location.search + window.location.hash) {
    window.history.pushState(null, "", url);
  }
}
