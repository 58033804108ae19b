// Hand-drawn SVG charts built with DOM APIs (no library, no inline styles:
// colours come from classes in admin.css). Each chart is drawn at its
// container's width and redrawn when that width changes.

import { h, s, fmtNum, fmtCompact, fmtDay } from './ui.js';

/** The last `days` UTC days, oldest first, as YYYY-MM-DD. */
export function lastDays(days, now = new Date()) {
  const out = [];
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let i = days - 1; i >= 0; i -= 1) out.push(new Date(today - i * 86400000).toISOString().slice(0, 10));
  return out;
}

const TICKS = 4;

/** A round axis maximum whose TICKS steps are whole, round numbers (counts are integers). */
function niceMax(value) {
  const raw = Math.max(1, value) / TICKS;
  const exponent = 10 ** Math.floor(Math.log10(raw));
  const steps = exponent >= 10 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10];
  const step = steps.map((s) => s * exponent).find((s) => s >= raw) ?? 10 * exponent;
  // Whole steps even for an empty or tiny series: no 0.5 calls on the axis.
  return Math.max(1, step) * TICKS;
}

const observers = new WeakMap();

/** Draws `draw(width)` into container now and whenever its width changes. */
function responsive(container, draw, minWidth = 240) {
  const render = () => {
    const width = Math.max(minWidth, Math.floor(container.clientWidth || 600));
    if (container.dataset.width === String(width) && container.firstChild) return;
    container.dataset.width = String(width);
    container.replaceChildren(draw(width));
  };
  observers.get(container)?.disconnect();
  delete container.dataset.width;
  render();
  if ('ResizeObserver' in window) {
    let frame = 0;
    const observer = new ResizeObserver(() => { cancelAnimationFrame(frame); frame = requestAnimationFrame(render); });
    observer.observe(container);
    observers.set(container, observer);
  }
}

/**
 * Stacked bar chart of one value per day.
 * days: ['YYYY-MM-DD', ...]; layers: [{name, className, values: [n per day]}].
 */
export function dayBarChart(container, { days, layers, label, height = 220 }) {
  const totals = days.map((_, i) => layers.reduce((sum, layer) => sum + (layer.values[i] || 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const summary = `${label}: ${fmtNum(totals.reduce((a, b) => a + b, 0))} in ${days.length} days, peak ${fmtNum(Math.max(0, ...totals))} per day.`;

  responsive(container, (width) => {
    const pad = { top: 12, right: 8, bottom: 26, left: 44 };
    const plotW = width - pad.left - pad.right;
    const plotH = height - pad.top - pad.bottom;
    const slot = plotW / days.length;
    const barW = Math.max(1, Math.min(28, slot * 0.72));
    const y = (value) => pad.top + plotH - (value / max) * plotH;

    const svg = s('svg', { class: 'chart-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': summary });
    svg.append(s('title', {}, summary));

    for (let t = 0; t <= TICKS; t += 1) {
      const value = (max * t) / TICKS;
      const yy = Math.round(y(value)) + 0.5;
      svg.append(s('line', { class: t === 0 ? 'axis' : 'grid', x1: pad.left, x2: width - pad.right, y1: yy, y2: yy }));
      svg.append(s('text', { class: 'tick', x: pad.left - 6, y: yy + 4, 'text-anchor': 'end' }, fmtCompact(value)));
    }

    const labelEvery = Math.max(1, Math.ceil(days.length / Math.max(2, Math.floor(plotW / 64))));
    days.forEach((day, i) => {
      const x = pad.left + i * slot + (slot - barW) / 2;
      let base = 0;
      const group = s('g', { class: 'bar-group' });
      const parts = layers.map((layer) => `${layer.name} ${fmtNum(layer.values[i] || 0)}`).join(', ');
      group.append(s('title', {}, `${fmtDay(day)}: ${parts}`));
      // A transparent full-height target makes the tooltip reachable on small bars.
      group.append(s('rect', { class: 'hit', x: pad.left + i * slot, y: pad.top, width: slot, height: plotH }));
      for (const layer of layers) {
        const value = layer.values[i] || 0;
        if (value > 0) {
          const top = y(base + value);
          const h2 = Math.max(1, y(base) - top);
          group.append(s('rect', { class: ['series', layer.className], x, y: top, width: barW, height: h2, rx: barW > 6 ? 2 : 0 }));
        }
        base += value;
      }
      svg.append(group);
      if ((days.length - 1 - i) % labelEvery === 0) {
        svg.append(s('text', { class: 'tick', x: pad.left + i * slot + slot / 2, y: height - 8, 'text-anchor': 'middle' }, fmtDay(day)));
      }
    });
    return svg;
  });

  return legend(layers);
}

export function legend(layers) {
  return h('ul', { class: 'legend' }, layers.map((layer) => h('li', {},
    s('svg', { width: 10, height: 10, 'aria-hidden': 'true', focusable: 'false' }, s('rect', { class: ['series', layer.className], width: 10, height: 10, rx: 2 })),
    ` ${layer.name}`)));
}

/** A small area sparkline of one series per day (for small multiples). */
export function sparkline(container, { values, label, height = 48 }) {
  const max = Math.max(1, ...values);
  responsive(container, (width) => {
    const step = values.length > 1 ? (width - 2) / (values.length - 1) : 0;
    const points = values.map((v, i) => [1 + i * step, height - 2 - (v / max) * (height - 6)]);
    const line = points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
    const area = `${line} L${points.at(-1)[0].toFixed(1)},${height} L${points[0][0].toFixed(1)},${height} Z`;
    return s('svg', { class: 'spark', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label },
      s('title', {}, label),
      s('path', { class: 'spark-area', d: area }),
      s('path', { class: 'spark-line', d: line }));
  }, 60);
}

/** Horizontal bars for labelled counts, as an HTML list with SVG bars. */
export function hBars(items, { label }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return h('ul', { class: 'hbars', 'aria-label': label }, items.map((item) => h('li', {},
    h('span', { class: 'hbar-label' }, item.label),
    h('span', { class: 'hbar-value num' }, fmtNum(item.value)),
    s('svg', { class: 'hbar', width: '100%', height: 8, 'aria-hidden': 'true', focusable: 'false' },
      s('rect', { class: 'bar-track', width: '100%', height: 8, rx: 4 }),
      s('rect', { class: 'bar-fill', width: `${((item.value / max) * 100).toFixed(1)}%`, height: 8, rx: 4 })))));
}
