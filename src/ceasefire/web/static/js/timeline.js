// The timeline under the map: events per day or week as SVG bars (from /api/timeline). Dragging
// across it with the mouse selects a date range; the page turns that into since/until.

const SVG = "http://www.w3.org/2000/svg";
const DAY = 86400000;
const MARGIN = { top: 10, right: 12, bottom: 22, left: 36 };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const parse = (iso) => Date.parse(`${iso}T00:00:00Z`);
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

export function createTimeline(container, { onBrush }) {
  let data = { interval: "day", points: [] };
  let selection = null; // [sinceMs, untilMs], inclusive days
  let drag = null;
  let scale = null;

  function step() {
    return data.interval === "week" ? 7 * DAY : DAY;
  }

  function draw() {
    container.replaceChildren();
    const width = Math.max(container.clientWidth, 300);
    const height = container.clientHeight || 130;
    const root = svg("svg", { width, height, class: "timeline-svg", role: "img",
      "aria-label": "events per " + data.interval + "; drag to select dates" });
    container.appendChild(root);
    const points = data.points;
    if (!points.length) {
      root.appendChild(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "axis" }, "no events"));
      scale = null;
      return;
    }
    const first = parse(points[0].period);
    const last = parse(points[points.length - 1].period) + step();
    const inner = { w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom };
    const x = (ms) => MARGIN.left + ((ms - first) / (last - first)) * inner.w;
    const max = Math.max(...points.map((p) => p.events), 1);
    const y = (n) => MARGIN.top + inner.h - (n / max) * inner.h;
    scale = { first, last, x, toMs: (px) => first + ((px - MARGIN.left) / inner.w) * (last - first) };

    // axes: the highest count and about six dates
    root.appendChild(svg("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(0), y2: y(0), class: "axis-line" }));
    root.appendChild(svg("text", { x: MARGIN.left - 6, y: y(max) + 4, "text-anchor": "end", class: "axis" }, String(max)));
    root.appendChild(svg("text", { x: MARGIN.left - 6, y: y(0), "text-anchor": "end", class: "axis" }, "0"));
    const ticks = 6;
    for (let i = 0; i <= ticks; i++) {
      const ms = first + ((last - first) * i) / ticks;
      const label = iso(ms).slice(0, inner.w / ticks > 70 ? 10 : 7);
      root.appendChild(svg("text", { x: x(ms), y: height - 6, "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle",
        class: "axis" }, label));
    }

    const bars = svg("g", { class: "bars" });
    const barWidth = Math.max(1, x(first + step()) - x(first) - 1);
    for (const p of points) {
      const start = parse(p.period);
      const inRange = !selection || (start + step() - DAY >= selection[0] && start <= selection[1]);
      const bar = svg("rect", {
        x: x(start), y: y(p.events), width: barWidth, height: Math.max(0, y(0) - y(p.events)),
        class: inRange ? "bar" : "bar out-of-range",
      });
      bar.appendChild(svg("title", {}, `${p.period}${data.interval === "week" ? " (week)" : ""}: ${p.events} events, ${p.fatalities} fatalities`));
      bars.appendChild(bar);
    }
    root.appendChild(bars);

    if (selection) {
      const x0 = x(Math.max(selection[0], first));
      const x1 = x(Math.min(selection[1] + DAY, last));
      if (x1 > x0) root.appendChild(svg("rect", { x: x0, y: MARGIN.top, width: x1 - x0, height: inner.h, class: "selection" }));
    }
    const live = svg("rect", { x: 0, y: MARGIN.top, width: 0, height: inner.h, class: "selection dragging" });
    live.style.display = "none";
    root.appendChild(live);

    // brushing with the mouse (pointer events: mouse, pen and touch alike)
    const overlay = svg("rect", { x: MARGIN.left, y: 0, width: inner.w, height: height, class: "brush-area" });
    root.appendChild(overlay);
    overlay.addEventListener("pointerdown", (e) => {
      overlay.setPointerCapture(e.pointerId);
      drag = { from: localX(root, e), to: localX(root, e) };
      e.preventDefault();
    });
    overlay.addEventListener("pointermove", (e) => {
      if (!drag) return;
      drag.to = localX(root, e);
      const [a, b] = [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)];
      live.style.display = "";
      live.setAttribute("x", a);
      live.setAttribute("width", b - a);
    });
    overlay.addEventListener("pointerup", (e) => {
      if (!drag) return;
      drag.to = localX(root, e);
      const [a, b] = [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)];
      drag = null;
      live.style.display = "none";
      brushed(a, b);
    });
    overlay.addEventListener("pointercancel", () => {
      drag = null;
      live.style.display = "none";
    });
  }

  function localX(root, e) {
    return e.clientX - root.getBoundingClientRect().left;
  }

  // pixels to whole periods: a click picks the period under it, a drag every period it touches
  function brushed(a, b) {
    if (!scale) return;
    const snap = (ms) => scale.first + Math.floor((ms - scale.first) / step()) * step();
    const clamp = (ms) => Math.min(Math.max(ms, scale.first), scale.last - 1);
    const since = snap(clamp(scale.toMs(a)));
    const until = snap(clamp(scale.toMs(b))) + step() - DAY;
    onBrush(iso(since), iso(until));
  }

  function setData(timeline) {
    const series = (timeline && timeline.series) || [];
    const merged = new Map();
    for (const s of series) {
      for (const p of s.points) {
        const have = merged.get(p.period) || { period: p.period, events: 0, fatalities: 0 };
        have.events += p.events;
        have.fatalities += p.fatalities || 0;
        merged.set(p.period, have);
      }
    }
    data = { interval: (timeline && timeline.interval) || "day", points: [...merged.values()].sort((a, b) => (a.period < b.period ? -1 : 1)) };
    draw();
  }

  function setSelection(since, until) {
    selection = since || until ? [since ? parse(since) : -Infinity, until ? parse(until) : Infinity] : null;
    draw();
  }

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(draw, 150);
  });

  return { setData, setSelection };
}
