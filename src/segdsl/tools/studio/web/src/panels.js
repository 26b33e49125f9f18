// The panels beside the rule: size, waterfall, members, overlap heat map, history, and
// the hover notes. Plain DOM nodes; no HTML text from the server is ever parsed.
import { $, el, fmtInt, fmtPct } from "./util.js";

// Hover notes: a little markdown (bold, `code`, fenced blocks) drawn with DOM nodes.
export function inline(text) {
  const out = [];
  text.split(/(`[^`]*`|\*\*[^*]+\*\*)/).forEach((part) => {
    if (part.startsWith("`") && part.endsWith("`") && part.length > 1) out.push(el("code", { text: part.slice(1, -1) }));
    else if (part.startsWith("**") && part.endsWith("**") && part.length > 3) out.push(el("b", {}, ...inline(part.slice(2, -2))));
    else if (part) out.push(part);
  });
  return out;
}

export function markdown(md) {
  const box = el("div", { class: "hover" });
  let code = null;
  for (const line of md.split("\n")) {
    if (line.startsWith("```")) {
      if (code) { box.append(el("pre", { text: code.join("\n") })); code = null; } else code = [];
    } else if (code) code.push(line);
    else if (line.trim()) box.append(el("div", {}, ...inline(line)));
  }
  if (code) box.append(el("pre", { text: code.join("\n") }));
  return box;
}

export function renderSize(r) {
  $("#size").replaceChildren(
    el("div", { class: "big", id: "size-members", "data-members": r.members, text: fmtInt(r.members) }),
    el("div", { text: `of ${fmtInt(r.entity_count)} ${r.entity}s · ` }, el("b", { id: "size-share", text: fmtPct(r.share) })),
  );
}

export function bar(value, total, cls) {
  const w = total ? (100 * value) / total : 0;
  return el("div", { class: "bar" }, el("div", { class: cls, style: `width:${w.toFixed(2)}%` }));
}

export function renderWaterfall(x) {
  const t = $("#waterfall");
  t.replaceChildren();
  t.append(el("tr", {}, el("td", { text: `all ${x.entity}s` }), el("td", { class: "num", text: fmtInt(x.entity_count) }),
    el("td", {}, bar(x.entity_count, x.entity_count, "fill")), el("td", { class: "num" })));
  for (const p of x.parts) {
    t.append(el("tr", { title: `alone: ${fmtInt(p.alone)}` },
      el("td", { class: "code", text: `${p.index}. ${p.text}` }),
      el("td", { class: "num", text: fmtInt(p.remaining) }),
      el("td", {}, bar(p.remaining, x.entity_count, "fill")),
      el("td", { class: "num removed", text: p.removed ? `−${fmtInt(p.removed)}` : "" })));
    for (const b of p.branches || []) {
      t.append(el("tr", { class: "branch" }, el("td", { class: "code", text: `   or ${b.text}` }),
        el("td", { class: "num", text: fmtInt(b.alone) }), el("td", {}, bar(b.alone, x.entity_count, "fill light")),
        el("td", { class: "num", text: `only ${fmtInt(b.only)}` })));
    }
  }
  $("#notes").textContent = (x.notes || []).join(" ");
}

export function renderSample(s) {
  const t = $("#sample");
  t.replaceChildren();
  t.append(el("tr", {}, ...s.columns.map((c) => el("th", { text: c }))));
  for (const r of s.rows) {
    t.append(el("tr", {}, ...r.map((v) => el("td", {
      text: v == null ? "" : Array.isArray(v) ? v.join(", ") : String(v),
      class: v == null ? "missing" : "",
    }))));
  }
  $("#sample-note").textContent = s.of > s.rows.length ? `${s.rows.length} of ${fmtInt(s.of)} members, spread over the keys` : "";
}

export function heat(j) {
  if (j == null) return "background:#f3f4f6";
  return `background:rgba(37,99,235,${(0.08 + 0.92 * j).toFixed(3)});color:${j > 0.5 ? "#fff" : "#111"}`;
}

export function renderOverlap(o) {
  const t = $("#heat");
  t.replaceChildren();
  const names = o.heat.names;
  t.append(el("tr", {}, el("th"), ...names.map((_, i) => el("th", { text: String(i + 1) }))));
  names.forEach((n, i) => {
    t.append(el("tr", {}, el("th", { class: "rowname", text: `${i + 1} ${n}` }),
      ...o.heat.jaccard[i].map((j, k) => el("td", {
        style: heat(j), title: `${n} ∩ ${names[k]}: Jaccard ${j == null ? "–" : j.toFixed(3)}`,
        text: j == null ? "" : j.toFixed(2),
      }))));
  });
  const top = $("#overlap-top");
  top.replaceChildren();
  for (const r of o.rows.slice(0, 5)) {
    top.append(el("li", { text: `${r.segment}: ${fmtInt(r.both)} in both (Jaccard ${r.jaccard == null ? "–" : r.jaccard.toFixed(2)})` }));
  }
}

// The size over the snapshots of the history store, into ``box``.
export function renderHistory(box, h) {
  if (!h.points.length) {
    box.replaceChildren(el("div", { class: "muted", text: h.message || "no snapshots" }),
      h.hint ? el("div", { class: "hint", text: h.hint }) : null);
    return;
  }
  // Members over the snapshots, from 0 to the largest size (orange: the rule changed).
  const W = 320, H = 80, pad = 6, left = 44;
  const max = Math.max(...h.points.map((p) => p.members), 1);
  const n = h.points.length;
  const xy = h.points.map((p, i) => [left + (n === 1 ? (W - left) / 2 : (i * (W - left - pad)) / (n - 1)),
    H - pad - ((H - 2 * pad) * p.members) / max]);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "spark");
  for (const [v, y] of [[max, pad], [0, H - pad]]) {
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", left - 6); t.setAttribute("y", y + 4); t.setAttribute("text-anchor", "end");
    t.textContent = fmtInt(v);
    const g = document.createElementNS(ns, "line");
    g.setAttribute("x1", left); g.setAttribute("x2", W); g.setAttribute("y1", y); g.setAttribute("y2", y);
    g.setAttribute("class", "grid");
    svg.append(t, g);
  }
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", xy.map((p) => p.join(",")).join(" "));
  svg.append(line);
  xy.forEach(([x, y], i) => {
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", x); c.setAttribute("cy", y); c.setAttribute("r", h.points[i].rule_changed ? 4 : 2.5);
    if (h.points[i].rule_changed) c.setAttribute("class", "changed");
    const tt = document.createElementNS(ns, "title");
    tt.textContent = `${h.points[i].as_of}: ${fmtInt(h.points[i].members)}`;
    c.append(tt);
    svg.append(c);
  });
  const last = h.points[n - 1];
  box.replaceChildren(svg, el("div", { class: "muted", text: `${n} snapshot${n === 1 ? "" : "s"}; last ${last.as_of.slice(0, 10)}: ${fmtInt(last.members)} (${fmtPct(last.share)})` }));
}


// The profile (segdsl profile): the most distinctive values and numbers of the segment
// against the whole entity, into ``box``.
export function renderProfile(box, pr) {
  if (!pr.categorical) {
    box.replaceChildren(el("div", { class: "muted", text: pr.message || "no profile" }));
    return;
  }
  const rows = [];
  for (const c of [...pr.categorical, ...pr.lists].slice(0, 6)) {
    const top = c.values.filter((v) => v.index !== null).sort((a, b) => b.index - a.index)[0];
    if (!top) continue;
    rows.push(el("tr", {}, el("td", { text: c.name }), el("td", { text: String(top.value) }),
      el("td", { class: "num", text: fmtPct(top.segment_share) }),
      el("td", { class: "num", text: fmtPct(top.base_share) }),
      el("td", { class: "num", text: String(Math.round(top.index)) })));
  }
  for (const n of pr.numeric.slice(0, 6)) {
    if (n.segment.mean === null) continue;
    rows.push(el("tr", {}, el("td", { text: n.name }), el("td", { class: "muted", text: "mean" }),
      el("td", { class: "num", text: n.segment.mean.toLocaleString() }),
      el("td", { class: "num", text: n.base.mean === null ? "–" : n.base.mean.toLocaleString() }),
      el("td", { class: "num", text: n.base.mean ? String(Math.round((100 * n.segment.mean) / n.base.mean)) : "–" })));
  }
  const head = el("tr", {}, ...["", "value", "segment", "everyone", "index"].map((h) => el("th", { text: h })));
  box.replaceChildren(el("table", { class: "profile" }, head, ...rows));
}
