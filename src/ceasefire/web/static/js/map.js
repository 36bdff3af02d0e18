// The event map: Leaflet (served by the backend at /static/leaflet/), an offline base layer of
// Natural Earth outlines shipped with the package, clustered markers coloured by event type and
// sized by fatalities. An OpenStreetMap tile layer is offered, off by default (it needs the internet).
/* global L */

import { el, formatCount, OTHER_COLOR, TYPE_COLORS, typeColor } from "./api.js";

const BASEMAP = "/static/basemap/";
const REGIONS_FROM_ZOOM = 5;

export function markerRadius(fatalities) {
  if (!fatalities || fatalities < 0) return 5;
  return Math.min(24, 5 + 3 * Math.sqrt(fatalities));
}

function clusterIcon(cluster) {
  const children = cluster.getAllChildMarkers();
  const counts = new Map();
  for (const marker of children) {
    const type = marker.options.eventType;
    counts.set(type, (counts.get(type) || 0) + 1);
  }
  // a pie of event types behind the count
  let angle = 0;
  const stops = [];
  for (const [type, n] of [...counts.entries()].sort((a, b) => b[1] - a[1])) {
    const next = angle + (360 * n) / children.length;
    stops.push(`${typeColor(type)} ${angle}deg ${next}deg`);
    angle = next;
  }
  const n = cluster.getChildCount();
  const size = n < 10 ? 32 : n < 100 ? 40 : 48;
  const ring = el("div", { class: "cluster-ring" }, el("span", { class: "cluster-count" }, String(n)));
  ring.style.background = `conic-gradient(${stops.join(", ")})`;
  return L.divIcon({ html: ring, className: "event-cluster", iconSize: L.point(size, size) });
}

function popupFor(props) {
  const link = el("a", { href: `event.html?id=${encodeURIComponent(props.store_id)}` }, "Open the event and its reports");
  return el("div", { class: "popup" },
    el("div", { class: "popup-title" }, `${props.sub_event_type || props.event_type} · ${props.date}`),
    el("div", {}, props.location || "unknown place"),
    el("div", {}, [props.actor1, props.actor2].filter(Boolean).join(" vs ") || "actors unknown"),
    el("div", {}, `fatalities ${formatCount(props.fatalities)} · ${props.number_of_sources || 1} source(s) · ${props.review_state || "machine"}`),
    link);
}

function legend() {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const box = el("div", { class: "map-legend" }, el("div", { class: "legend-title" }, "Event type"));
    for (const [type, color] of [...Object.entries(TYPE_COLORS), ["other", OTHER_COLOR]]) {
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = color;
      box.appendChild(el("div", { class: "legend-row" }, swatch, type));
    }
    box.appendChild(el("div", { class: "legend-title" }, "Fatalities"));
    const sizes = el("div", { class: "legend-sizes" });
    for (const n of [0, 10, 50]) {
      const dot = el("span", { class: "size-dot" });
      const r = markerRadius(n);
      dot.style.width = dot.style.height = `${2 * r}px`;
      sizes.appendChild(el("span", { class: "size-item" }, dot, String(n)));
    }
    box.appendChild(sizes);
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  return control;
}

export function createMap(container, { onStatus = () => {} } = {}) {
  const map = L.map(container, { worldCopyJump: true, minZoom: 2, maxZoom: 14, zoomSnap: 0.5 });
  map.setView([30, 20], 2);
  map.createPane("basemap").style.zIndex = 250;
  map.createPane("regions").style.zIndex = 260;
  map.attributionControl.setPrefix(false);

  const countries = L.geoJSON(null, {
    pane: "basemap",
    interactive: false,
    style: () => ({ className: "basemap-country", color: "#9aa0a6", weight: 0.8, fillColor: "#f3f0e8", fillOpacity: 1 }),
    attribution: "Outlines: Natural Earth",
  }).addTo(map);

  const regionRenderer = L.canvas({ pane: "regions", padding: 0.3 });
  const regions = L.geoJSON(null, {
    pane: "regions",
    renderer: regionRenderer,
    interactive: false,
    style: () => ({ color: "#b0b4ba", weight: 0.6, dashArray: "3 3", fill: false }),
  });
  let regionsLoaded = null;
  const regionsGroup = L.layerGroup([]).addTo(map);  // regions join it from REGIONS_FROM_ZOOM on

  const tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "Tiles © OpenStreetMap contributors",
  });

  const events = L.markerClusterGroup({
    iconCreateFunction: clusterIcon,
    showCoverageOnHover: false,
    maxClusterRadius: 50,
    chunkedLoading: true,
  }).addTo(map);

  const layers = L.control.layers(null, {
    "Country outlines (offline)": countries,
    [`Regions, admin-1 (offline, from zoom ${REGIONS_FROM_ZOOM})`]: regionsGroup,
    "Events": events,
  }, { collapsed: true }).addTo(map);
  legend().addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  map.on("overlayadd overlayremove", (e) => {
    if (e.layer === tiles) {  // let the tiles show through the outlines
      const over = map.hasLayer(tiles);
      countries.setStyle({ fillOpacity: over ? 0 : 1 });
      container.classList.toggle("with-tiles", over);
    }
  });

  async function updateRegions() {
    const wanted = map.getZoom() >= REGIONS_FROM_ZOOM && map.hasLayer(regionsGroup);
    if (wanted && !regionsLoaded) {
      regionsLoaded = fetch(BASEMAP + "admin1.geojson").then((r) => r.json()).then((data) => regions.addData(data));
    }
    if (wanted) {
      await regionsLoaded;
      if (!regionsGroup.hasLayer(regions)) regionsGroup.addLayer(regions);
    } else if (regionsGroup.hasLayer(regions)) {
      regionsGroup.removeLayer(regions);
    }
  }
  map.on("zoomend overlayadd", () => { updateRegions().catch(() => {}); });
  map.on("zoomend", () => { container.dataset.zoom = String(map.getZoom()); });

  const basemapReady = fetch(BASEMAP + "countries.geojson")
    .then((r) => r.json())
    .then((data) => {
      countries.addData(data);
      container.dataset.basemap = String(data.features.length);
    })
    .catch((err) => onStatus(`the base layer could not be loaded: ${err.message}`));

  function setEvents(collection, { fit = false } = {}) {
    events.clearLayers();
    const markers = [];
    let unplaced = 0;
    for (const feature of collection.features || []) {
      const coords = feature.geometry && feature.geometry.coordinates;
      if (!coords || coords[0] === null || coords[1] === null) {
        unplaced += 1;
        continue;
      }
      const props = feature.properties || {};
      const marker = L.circleMarker([coords[1], coords[0]], {
        radius: markerRadius(props.fatalities),
        color: "#ffffff",
        weight: 1,
        fillColor: typeColor(props.event_type),
        fillOpacity: 0.85,
        className: "event-marker",
        eventType: props.event_type,
        storeId: props.store_id,
      });
      marker.bindPopup(() => popupFor(props));
      markers.push(marker);
    }
    events.addLayers(markers);
    container.dataset.events = String(markers.length);
    if (fit && markers.length) {  // show what the filters selected
      const bounds = L.latLngBounds(markers.map((m) => m.getLatLng()));
      map.fitBounds(bounds.pad(0.15), { maxZoom: 8 });
    }
    return { mapped: markers.length, unplaced };
  }

  // offered only when the server allows it (ceasefire serve --online-tiles); off until chosen
  function offerOnlineTiles() {
    layers.addOverlay(tiles, "OpenStreetMap tiles (online)");
  }

  return { map, setEvents, basemapReady, offerOnlineTiles };
}
