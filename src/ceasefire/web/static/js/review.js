// The review panel of the event page: the token (kept in sessionStorage, sent as a Bearer token),
// confirm / reject / reopen, the correction form, merging other events in and splitting reports out.
// Every write goes through the API, which records who, when and the previous value.

import { api, append, clear, el, getToken, setToken, showError } from "./api.js";

const $ = (id) => document.getElementById(id);

function fillSelect(select, values, current) {
  clear(select);
  const all = current && !values.includes(current) ? [current, ...values] : values;
  for (const value of all) select.appendChild(el("option", { value }, value));
  select.value = current || "";
}

const text = (input) => input.value.trim();
const number = (input) => (input.value.trim() === "" ? null : Number(input.value));

// The form's count as the API wants it: best is needed; an empty bound is left out (the server
// widens it to include best); all three empty means "no figure".
function countFrom(form, name) {
  const [low, best, high] = ["low", "best", "high"].map((b) => number(form[`${name}_${b}`]));
  if (low === null && best === null && high === null) return null;
  for (const n of [low, best, high]) {
    if (n !== null && (!Number.isInteger(n) || n < 0)) throw new Error(`${name}: counts are whole numbers from 0`);
  }
  if (best === null) throw new Error(`${name}: give a best figure (low and high are optional)`);
  const out = { best };
  if (low !== null) out.low = low;
  if (high !== null) out.high = high;
  return out;
}

export function setupReview({ eventId, meta, reload }) {
  let types = (meta && meta.event_types) || {};
  const form = $("correct-form");
  const errorBox = $("review-error");
  const doneBox = $("review-done");
  let current = null;

  function status(message) {
    showError(errorBox, null);
    clear(doneBox);
    doneBox.hidden = !message;
    if (message) append(doneBox, [message]);
  }

  function tokenStatus() {
    $("token-status").textContent = getToken() ? "a token is kept for this tab" : "no token: reading only";
  }

  // every write: needs a token, shows the server's error as it is, reloads the event after
  async function write(what, path, method, body) {
    status(null);
    const token = text($("token")) || getToken();
    if (!token) {
      showError(errorBox, new Error("enter your API token first (writing needs one)"));
      return null;
    }
    try {
      const result = await api(path, { method, body, token });
      status(`${what}: saved`);
      $("note").value = "";
      return result;
    } catch (err) {
      showError(errorBox, err);
      return null;
    }
  }

  $("token").value = getToken();
  tokenStatus();
  $("token-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    setToken(text($("token")));
    tokenStatus();
    if (!current) await reload(); // a server that needs a token for reading too
  });
  $("token").addEventListener("change", () => {
    setToken(text($("token")));
    tokenStatus();
  });
  $("forget-token").addEventListener("click", () => {
    setToken("");
    $("token").value = "";
    tokenStatus();
  });

  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", async () => {
      const action = button.dataset.action;
      const note = text($("note")) || undefined;
      if (await write(action, `/api/events/${eventId}/review`, "POST", { action, note })) await reload();
    });
  }

  form.event_type.addEventListener("change", () => {
    fillSelect(form.sub_event_type, types[form.event_type.value] || [], null);
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    let changes;
    try {
      changes = collectChanges();
    } catch (err) {
      showError(errorBox, err);
      return;
    }
    if (!Object.keys(changes).length) {
      showError(errorBox, new Error("nothing to save: no field differs from the event"));
      return;
    }
    const note = text($("note")) || undefined;
    if (await write("correction", `/api/events/${eventId}`, "PATCH", { changes, note })) await reload();
  });

  function collectChanges() {
    const ev = current;
    const changes = {};
    if (form.sub_event_type.value && form.sub_event_type.value !== ev.sub_event_type) {
      changes.sub_event_type = form.sub_event_type.value;
    }
    if (form.event_type.value && form.event_type.value !== ev.event_type) changes.event_type = form.event_type.value;
    if (text(form.date) && text(form.date) !== ev.date) changes.date = text(form.date);

    const loc = ev.location || {};
    const place = {
      name: text(form.place_name), country: text(form.place_country).toUpperCase() || null,
      admin1: text(form.place_admin1) || null, lat: number(form.place_lat), lon: number(form.place_lon),
    };
    const placeChanged = place.name !== (loc.name || "") || place.country !== (loc.country || null)
      || place.admin1 !== (loc.admin1 || null) || place.lat !== (loc.lat ?? null) || place.lon !== (loc.lon ?? null);
    if (placeChanged) {
      if (!place.name) throw new Error("place: a corrected place needs a name");
      changes.location = place;
    }

    for (const which of ["actor1", "actor2"]) {
      const old = ev[which] || {};
      const name = text(form[`${which}_name`]);
      const side = text(form[`${which}_side`]) || null;
      if (name !== (old.name || "") || side !== (old.side || null)) changes[which] = name ? { name, side } : null;
    }
    for (const which of ["fatalities", "wounded"]) {
      const old = ev[which] || {};
      const unchanged = ["low", "best", "high"].every((b) => number(form[`${which}_${b}`]) === (old[b] ?? null));
      if (!unchanged) changes[which] = countFrom(form, which);
    }
    return changes;
  }

  $("merge-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const others = text(e.target.ids).split(/[\s,;]+/).filter(Boolean).map(Number);
    if (!others.length || others.some((n) => !Number.isInteger(n) || n < 1)) {
      showError(errorBox, new Error("merge: give other event ids as whole numbers, e.g. 40, 41"));
      return;
    }
    const note = text($("note")) || undefined;
    if (await write("merge", "/api/events/merge", "POST", { ids: [eventId, ...others], note })) {
      e.target.ids.value = "";
      await reload();
    }
  });

  $("split").addEventListener("click", async () => {
    const picked = [...document.querySelectorAll(".split-pick:checked")].map((box) => Number(box.value));
    const note = text($("note")) || undefined;
    const result = await write("split", `/api/events/${eventId}/split`, "POST", { mention_ids: picked, note });
    if (result) {
      await reload();
      status(null);
      append(doneBox, ["split: the reports are now ", el("a", { href: `event.html?id=${encodeURIComponent(result.event_id)}` },
        `event ${result.event_id}`)]);
      doneBox.hidden = false;
    }
  });

  async function show(detail) {
    current = detail.event;
    const ev = current;
    if (!Object.keys(types).length) {  // the taxonomy, once reading is allowed (--read token)
      try {
        types = (await api("/api/meta")).event_types || {};
      } catch {
        types = {};
      }
    }
    fillSelect(form.event_type, Object.keys(types), ev.event_type);
    fillSelect(form.sub_event_type, types[ev.event_type] || [], ev.sub_event_type);
    form.date.value = ev.date || "";
    const loc = ev.location || {};
    form.place_name.value = loc.name || "";
    form.place_country.value = loc.country || "";
    form.place_admin1.value = loc.admin1 || "";
    form.place_lat.value = loc.lat ?? "";
    form.place_lon.value = loc.lon ?? "";
    for (const which of ["actor1", "actor2"]) {
      form[`${which}_name`].value = (ev[which] && ev[which].name) || "";
      form[`${which}_side`].value = (ev[which] && ev[which].side) || "";
    }
    for (const which of ["fatalities", "wounded"]) {
      for (const bound of ["low", "best", "high"]) form[`${which}_${bound}`].value = (ev[which] && ev[which][bound]) ?? "";
    }
    splitChanged();
  }

  function splitChanged() {
    const picked = document.querySelectorAll(".split-pick:checked").length;
    const total = document.querySelectorAll(".split-pick").length;
    $("split").disabled = picked === 0 || picked >= total;
  }

  return { show, splitChanged };
}
