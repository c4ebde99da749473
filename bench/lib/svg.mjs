// Tiny SVG charts for the report (no dependency): line charts with linear or log axes and grouped bar
// charts. Output is plain SVG text, readable as a file and as an image in rendered Markdown.

const W = 720;
const H = 380;
const M = { left: 70, right: 170, top: 40, bottom: 55 };
/** Colours per server: edgeroom blue, the reference demo orange. */
export const COLORS = { edgeroom: "#1f6feb", demo: "#d9480f", other: "#6e7781" };

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function fmtTick(v) {
  const short = (x) => String(Number(x.toPrecision(3)));
  if (v >= 1e6) return `${short(v / 1e6)}M`;
  if (v >= 1e3) return `${short(v / 1e3)}k`;
  return short(v);
}

/** Ticks of an axis: 1-2-5 steps on a log axis, ~6 round steps on a linear one. */
function ticks(min, max, log) {
  const out = [];
  if (log) {
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
      }
    }
    // A short range may hold one 1-2-5 tick or none: label its ends too.
    if (out.length < 3) for (const v of [min, max]) if (!out.some((t) => Math.abs(t - v) < v * 0.01)) out.push(v);
    return out.sort((a, b) => a - b);
  }
  const raw = (max - min) / 6;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(v);
  return out;
}

function scale(min, max, log, from, to) {
  if (log) {
    const a = Math.log10(min);
    const b = Math.log10(max);
    return (v) => from + ((Math.log10(Math.max(v, min)) - a) / (b - a || 1)) * (to - from);
  }
  return (v) => from + ((v - min) / (max - min || 1)) * (to - from);
}

function frame(title, xLabel, yLabel, body) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    ...body,
    "</svg>",
  ].join("\n");
}

/**
 * A line chart. series: [{ name, color, dash?, points: [[x, y]] }]; hLines: [{ y, label }] (e.g. a bound).
 * Points with a null y are skipped.
 */
export function lineChart({ title, xLabel, yLabel, series, logX = false, logY = false, hLines = [] }) {
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => x !== null && y !== null && y !== undefined);
  if (pts.length === 0) return frame(title, xLabel, yLabel, [`<text x="${W / 2}" y="${H / 2}">no data</text>`]);
  const xs = pts.map((p) => p[0]);
  const ys = [...pts.map((p) => p[1]), ...hLines.map((h) => h.y)];
  const floorY = logY ? Math.max(Math.min(...ys.filter((y) => y > 0)), 1e-3) : 0;
  const [x0, x1] = [logX ? Math.min(...xs) : Math.min(0, ...xs), Math.max(...xs)];
  const [y0, y1] = [logY ? floorY * 0.8 : floorY, Math.max(...ys) * (logY ? 1.25 : 1.1)];
  const sx = scale(x0, x1, logX, M.left, W - M.right);
  const sy = scale(y0, y1, logY, H - M.bottom, M.top);
  const body = [];
  for (const t of ticks(y0, y1, logY)) {
    body.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e7eb"/>`);
    body.push(`<text x="${M.left - 6}" y="${sy(t) + 4}" text-anchor="end" fill="#57606a">${fmtTick(t)}</text>`);
  }
  for (const t of ticks(x0 || 1, x1, logX)) {
    body.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" stroke="#57606a"/>`);
    body.push(`<text x="${sx(t)}" y="${H - M.bottom + 18}" text-anchor="middle" fill="#57606a">${fmtTick(t)}</text>`);
  }
  body.push(
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#57606a"/>`,
  );
  for (const h of hLines) {
    body.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${sy(h.y)}" y2="${sy(h.y)}" stroke="#cf222e" stroke-dasharray="2 3"/>`,
    );
    body.push(
      `<text x="${W - M.right - 4}" y="${sy(h.y) - 4}" text-anchor="end" fill="#cf222e">${esc(h.label)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const p = s.points.filter(([x, y]) => x !== null && y !== null && y !== undefined);
    if (p.length > 0) {
      const d = p.map(([x, y], k) => `${k ? "L" : "M"}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join(" ");
      body.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`,
      );
      for (const [x, y] of p)
        body.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    const ly = M.top + 10 + i * 20;
    body.push(
      `<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`,
    );
    body.push(`<text x="${W - M.right + 42}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  return frame(title, xLabel, yLabel, body);
}

/** A grouped bar chart. groups: [{ label, bars: [{ name, value, color }] }]. */
export function barChart({ title, yLabel, groups }) {
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v !== null && v !== undefined);
  const y1 = Math.max(1e-9, ...values) * 1.15;
  const sy = scale(0, y1, false, H - M.bottom, M.top);
  const body = [];
  for (const t of ticks(0, y1, false)) {
    body.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e7eb"/>`);
    body.push(`<text x="${M.left - 6}" y="${sy(t) + 4}" text-anchor="end" fill="#57606a">${fmtTick(t)}</text>`);
  }
  const slot = (W - M.left - M.right) / Math.max(1, groups.length);
  const names = [];
  groups.forEach((g, gi) => {
    const bw = (slot * 0.7) / Math.max(1, g.bars.length);
    g.bars.forEach((b, bi) => {
      if (!names.some((n) => n.name === b.name)) names.push(b);
      if (b.value === null || b.value === undefined) return;
      const x = M.left + gi * slot + slot * 0.15 + bi * bw;
      body.push(
        `<rect x="${x.toFixed(1)}" y="${sy(b.value).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(H - M.bottom - sy(b.value)).toFixed(1)}" fill="${b.color}"/>`,
      );
      body.push(
        `<text x="${(x + bw / 2).toFixed(1)}" y="${(sy(b.value) - 4).toFixed(1)}" text-anchor="middle" font-size="11">${fmtTick(b.value)}</text>`,
      );
    });
    body.push(
      `<text x="${(M.left + gi * slot + slot / 2).toFixed(1)}" y="${H - M.bottom + 18}" text-anchor="middle">${esc(g.label)}</text>`,
    );
  });
  body.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#57606a"/>`);
  names.forEach((b, i) => {
    const ly = M.top + 10 + i * 20;
    body.push(`<rect x="${W - M.right + 12}" y="${ly - 6}" width="14" height="12" fill="${b.color}"/>`);
    body.push(`<text x="${W - M.right + 32}" y="${ly + 4}">${esc(b.name)}</text>`);
  });
  return frame(title, "", yLabel, body);
}
