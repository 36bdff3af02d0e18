// Talking to the HTTP API (docs/api.md) and building DOM safely.
//
// Everything shown on the pages comes from reports, which are hostile input: text is only ever
// inserted with textContent / createTextNode (never innerHTML), and only http(s) URLs become links.

const TOKEN_KEY = "ceasefire.token";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// fetch JSON from the API; the token (if one is kept) goes with every request, so a server that
// needs a token for reading too (--read token) works the same.
export async function api(path, { method = "GET", body, token = getToken() } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, "network", `the server cannot be reached (${err.message})`);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    const detail = error.message || (data && typeof data.detail === "string" ? data.detail : response.statusText);
    throw new ApiError(response.status, error.code || "http_" + response.status, detail);
  }
  return data;
}

// el("a", {class: "x", href: ...}, "text", child): attributes set one by one, children as text nodes.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "href") {
      const safe = safeUrl(value, true);
      if (safe) node.setAttribute("href", safe);
    } else if (name.startsWith("on")) throw new Error("no inline handlers: use addEventListener");
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// A URL that may become a link: http(s) only, absolute or (for our own pages) relative.
export function safeUrl(value, allowRelative = false) {
  if (typeof value !== "string" || !value.trim()) return null;
  try {
    const url = new URL(value, window.location.href);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (!allowRelative && !/^https?:\/\//i.test(value.trim())) return null;
    return url.href;
  } catch {
    return null;
  }
}

// An outside link (report URL): a real link for http(s), plain text for anything else.
export function externalLink(url, label) {
  const safe = safeUrl(url);
  if (!safe) return el("span", { class: "unlinked-url", title: "not an http(s) address" }, label || url || "");
  return el("a", { href: safe, rel: "noopener noreferrer nofollow", target: "_blank" }, label || safe);
}

// ACLED event types: one colour each, used by the map, the legend and the table.
export const TYPE_COLORS = {
  "Battles": "#c0392b",
  "Explosions/Remote violence": "#e67e22",
  "Violence against civilians": "#8e44ad",
  "Protests": "#2980b9",
  "Riots": "#16a085",
  "Strategic developments": "#7f8c8d",
};
export const OTHER_COLOR = "#34495e";

export function typeColor(type) {
  return TYPE_COLORS[type] || OTHER_COLOR;
}

export function formatCount(count) {
  if (count === null || count === undefined) return "–";
  if (typeof count === "number") return String(count);
  const part = (n) => (n === null || n === undefined ? "–" : String(n));
  if (count.low === count.best && count.best === count.high && count.best !== null && count.best !== undefined) {
    return String(count.best);
  }
  return `${part(count.low)}/${part(count.best)}/${part(count.high)}`;
}

export function formatActor(actor) {
  if (!actor) return "–";
  if (typeof actor === "string") return actor;
  const name = actor.name || "–";
  return actor.side && !name.includes(actor.side) ? `${name} (${actor.side})` : name;
}

export function formatPlace(loc) {
  if (!loc) return "–";
  if (typeof loc === "string") return loc;
  const parts = [];
  for (const part of [loc.name, loc.admin2, loc.admin1, loc.country]) {
    if (part && !parts.includes(part)) parts.push(part);
  }
  return parts.join(", ") || "–";
}

// Any value from the API (claims, history) as short text.
export function formatValue(field, value) {
  if (value === null || value === undefined || value === "") return "–";
  if (field === "fatalities" || field === "wounded") return formatCount(value);
  if (field === "actor1" || field === "actor2") return formatActor(value);
  if (field === "location") return formatPlace(value);
  if (Array.isArray(value)) return value.length ? value.map((v) => formatValue("", v)).join(", ") : "–";
  if (typeof value === "object") {
    if ("name" in value) return formatActor(value);
    return Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`)
      .join(", ");
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

export function showError(node, err) {
  clear(node);
  node.hidden = !err;
  if (err) append(node, [err instanceof ApiError && err.status ? `${err.status}: ${err.message}` : String(err.message || err)]);
}
