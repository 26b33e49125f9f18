// The front end of `segdsl studio`: CodeMirror 6 and a few plain DOM panels.
// Built into ../static/studio.js by `npm run build` (see docs/studio.md).
import { EditorState } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, hoverTooltip,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import {
  StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching,
} from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { autocompletion, completionKeymap, snippetCompletion } from "@codemirror/autocomplete";
import { searchKeymap } from "@codemirror/search";
import { $, api, el } from "./util.js";
import {
  markdown, renderOverlap, renderSample, renderSize, renderWaterfall, renderHistory,
  renderProfile,
} from "./panels.js";

// ---- state -------------------------------------------------------------------------
const S = {
  project: null, // /api/project
  vocabulary: null,
  path: null, // the file in the editor
  hash: null, // hash of the disk text it was opened from
  outline: [], // segments and measures of the file in the editor
  segment: null, // the segment shown beside the rule
  seq: 0,
  channel: Math.random().toString(36).slice(2),
  checkTimer: null,
  dirty: false,
};

function setStatus(text, kind = "") {
  const s = $("#status");
  s.textContent = text;
  s.className = kind;
}

// ---- the language: highlighting and completion -------------------------------------
let KEYWORDS = new Set();
const segLanguage = StreamLanguage.define({
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match(/#.*/)) return "comment";
    if (stream.match(/"(?:[^"\\]|\\.)*"?/) || stream.match(/'(?:[^'\\]|\\.)*'?/)) return "string";
    if (stream.match(/\d{4}-\d{2}-\d{2}(T[\d:]+)?/)) return "number";
    if (stream.match(/\d+(\.\d+)?%?/)) return "number";
    if (stream.match(/[A-Za-z_][A-Za-z0-9_]*/)) {
      const w = stream.current().toLowerCase();
      if (w === "segment" || w === "measure") return "keyword";
      return KEYWORDS.has(w) ? "keyword" : "variableName";
    }
    stream.next();
    return "operator";
  },
  languageData: { commentTokens: { line: "#" } },
});

// Completion comes from the server (segdsl.tools.editing, as in `segdsl lsp`): the
// right attributes, measures, events, fields, segments, units and values for the place.
function lspSnippet(text) {
  // LSP snippet syntax ($1, ${1:name}, $0) to CodeMirror's (${}, ${name}).
  return text.replace(/\$\{\d+:([^}]*)\}/g, "${$1}").replace(/\$\d+/g, "${}");
}

async function completions(context) {
  if (!S.path) return null;
  const word = context.matchBefore(/[A-Za-z_][\w]*/);
  const afterDot = context.matchBefore(/\.\w*/);
  if (!word && !afterDot && !context.explicit) return null;
  const line = context.state.doc.lineAt(context.pos);
  const character = [...line.text.slice(0, context.pos - line.from)].length; // code points
  let res;
  try {
    res = await api("/api/complete", {
      path: S.path, text: context.state.doc.toString(), line: line.number - 1, character,
    });
  } catch (e) {
    return null;
  }
  if (context.aborted) return null;
  const from = word ? word.from : context.pos;
  return {
    from,
    options: res.items.map((it) => {
      const base = { label: it.label, type: it.type, detail: it.detail || it.kind };
      if (it.documentation) base.info = it.documentation;
      if (it.snippet) return snippetCompletion(lspSnippet(it.insert_text), base);
      if (it.insert_text && it.insert_text !== it.label) base.apply = it.insert_text;
      return base;
    }),
    validFor: /^\w*$/,
  };
}

// Hover: what a name is (segdsl.tools.editing, as in `segdsl lsp`).
const hovers = hoverTooltip(async (view, pos) => {
  if (!S.path) return null;
  const line = view.state.doc.lineAt(pos);
  const character = [...line.text.slice(0, pos - line.from)].length;
  let res;
  try {
    res = await api("/api/hover", { path: S.path, text: view.state.doc.toString(), line: line.number - 1, character });
  } catch (e) {
    return null;
  }
  const h = res.hover;
  if (!h) return null;
  const doc = view.state.doc;
  return {
    pos: posOf(doc, h.line, h.column), end: posOf(doc, h.end_line, h.end_column), above: true,
    create: () => ({ dom: markdown(h.contents) }),
  };
});

// ---- the editor ----------------------------------------------------------------------
let view = null;

function extensions() {
  return [
    lineNumbers(), history(), EditorView.lineWrapping, drawSelection(), highlightActiveLine(), bracketMatching(),
    segLanguage, syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    lintGutter(),
    autocompletion({ override: [completions] }), hovers,
    keymap.of([
      { key: "Mod-s", run: () => { startSave(); return true; } },
      ...completionKeymap, ...defaultKeymap, ...historyKeymap, ...searchKeymap,
    ]),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) {
        S.dirty = true;
        $("#save").disabled = false;
        scheduleCheck();
      } else if (u.selectionSet) {
        followCursor();
      }
    }),
    EditorView.theme({ "&": { height: "100%" }, ".cm-scroller": { fontFamily: "ui-monospace, monospace" } }),
  ];
}

function setDoc(text) {
  const state = EditorState.create({ doc: text, extensions: extensions() });
  if (view) view.setState(state);
  else view = new EditorView({ state, parent: $("#editor") });
  view.contentDOM.setAttribute("aria-label", "rule editor");
}

function scheduleCheck(delay = 250) {
  clearTimeout(S.checkTimer);
  S.checkTimer = setTimeout(check, delay);
}

function posOf(doc, line, column) {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

function toCm(doc, d) {
  if (d.line == null) return { from: 0, to: 0, severity: "error", message: `${d.code} ${d.message}` };
  const from = posOf(doc, d.line, d.column);
  let to = posOf(doc, d.end_line, d.end_column);
  if (to <= from) to = Math.min(from + 1, doc.length);
  const sev = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "info";
  const msg = `${d.code}: ${d.message}` + (d.label ? ` (${d.label})` : "") + (d.hint ? `\nhelp: ${d.hint}` : "");
  return { from, to, severity: sev, message: msg, source: d.code };
}

// ---- talking to the server -----------------------------------------------------------
function body(extra = {}) {
  return {
    path: S.path, text: view.state.doc.toString(), segment: S.segment,
    dialect: $("#dialect").value || null, as_of: $("#asof").value.trim() || null, ...extra,
  };
}

async function check() {
  if (!S.path) return;
  const doc = view.state.doc;
  const sentText = doc.toString();
  setStatus("checking…", "busy");
  let res;
  try {
    res = await api("/api/check", body());
  } catch (e) {
    setStatus(e.message, "bad");
    return;
  }
  if (view.state.doc.toString() !== sentText) return; // a newer check follows
  view.dispatch(setDiagnostics(view.state, res.diagnostics.map((d) => toCm(view.state.doc, d))));
  renderProblems(res.diagnostics, res.elsewhere);
  S.outline = res.outline;
  if (res.vocabulary) {
    S.vocabulary = res.vocabulary;
    KEYWORDS = new Set(res.vocabulary.keywords);
  }
  renderSegments(res.vocabulary);
  followCursor(true);
  $("#sql").textContent = res.sql || (res.sql_error ? res.sql_error.message : "");
  const errors = res.diagnostics.filter((d) => d.severity === "error").length;
  if (!res.ok) {
    setStatus(`${errors || "some"} error${errors === 1 ? "" : "s"}: the numbers wait for a fix`, "bad");
    $("#panel").classList.add("stale");
    return;
  }
  setStatus(errors ? `${errors} errors` : "no problems", errors ? "bad" : "good");
  evaluate();
}

async function evaluate() {
  if (!S.segment || !S.vocabulary || !S.vocabulary.segments.some((s) => s.name === S.segment)) return;
  const seq = ++S.seq;
  $("#panel").classList.add("stale");
  $("#evalstate").textContent = "evaluating…";
  let res;
  try {
    res = await api("/api/evaluate", body({ channel: S.channel, seq }));
  } catch (e) {
    if (seq !== S.seq) return;
    $("#evalstate").textContent = e.message;
    return;
  }
  if (res.obsolete || seq !== S.seq) return;
  $("#panel").classList.remove("stale");
  $("#evalstate").textContent = `evaluated in ${res.seconds.toFixed(2)} s, as of ${res.as_of.replace("T", " ")}`;
  renderSize(res);
  renderWaterfall(res.explain);
  renderSample(res.sample);
  renderOverlap(res.overlap);
}

// ---- panels -----------------------------------------------------------------------------
function renderProblems(diags, elsewhere) {
  const list = $("#problems");
  list.replaceChildren();
  for (const d of diags) {
    const where = d.line != null ? `line ${d.line}:${d.column}` : "";
    list.append(el("li", {
      class: `problem ${d.severity}`, "data-line": d.line ?? "", "data-code": d.code,
      onclick: () => { if (d.line != null) jumpTo(d.line, d.column); },
    }, el("span", { class: "where", text: where }), el("b", { text: d.code }),
    ` ${d.message}`, d.hint ? el("div", { class: "hint", text: `help: ${d.hint}` }) : null));
  }
  for (const [file, n] of Object.entries(elsewhere || {})) {
    list.append(el("li", { class: "problem error elsewhere", text: `${file}: ${n} error${n === 1 ? "" : "s"}` }));
  }
  $("#problems-count").textContent = diags.length ? `(${diags.length})` : "";
}

function jumpTo(line, column = 1) {
  const pos = posOf(view.state.doc, line, column);
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}

function renderFiles() {
  const ul = $("#files");
  ul.replaceChildren();
  for (const f of S.project.files) {
    ul.append(el("li", {
      "data-path": f, class: f === S.path ? "active" : "", text: f, onclick: () => openFile(f),
    }));
  }
}

function renderSegments(vocab) {
  const ul = $("#segments");
  const outline = S.project.outline.filter((o) => o.path !== S.path).concat(S.outline);
  const segs = outline.filter((o) => o.kind === "segment").sort((a, b) => a.name.localeCompare(b.name));
  ul.replaceChildren();
  for (const o of segs) {
    ul.append(el("li", {
      "data-segment": o.name, class: o.name === S.segment ? "active" : "", title: `${o.path}:${o.line}`,
      onclick: () => openSegment(o.name),
    }, el("span", { text: o.name }), el("small", { text: o.path })));
  }
  $("#segments-count").textContent = `(${segs.length})`;
}

function followCursor(force = false) {
  const line = view.state.doc.lineAt(view.state.selection.main.head).number;
  const here = S.outline.find((o) => o.kind === "segment" && o.line <= line && line <= o.end_line);
  if (here && (here.name !== S.segment || force)) {
    const changed = here.name !== S.segment;
    selectSegment(here.name);
    if (changed && !force) scheduleCheck(0);
  }
}

function selectSegment(name) {
  if (S.segment === name) return;
  S.segment = name;
  $("#segname").textContent = name;
  for (const li of document.querySelectorAll("#segments li")) {
    li.classList.toggle("active", li.dataset.segment === name);
  }
  loadHistory(name);
  loadProfile(name);
}

async function openSegment(name) {
  const o = S.project.outline.concat(S.outline).find((x) => x.kind === "segment" && x.name === name);
  if (!o) return;
  if (o.path !== S.path) {
    if (S.dirty && !confirm(`Leave ${S.path} without saving?`)) return;
    await openFile(o.path, false);
  }
  const fresh = S.outline.find((x) => x.name === name) || o;
  selectSegment(name);
  jumpTo(fresh.line);
  scheduleCheck(0);
}

async function openFile(path, checkNow = true) {
  if (S.dirty && path !== S.path && !confirm(`Leave ${S.path} without saving?`)) return;
  const res = await api(`/api/file?path=${encodeURIComponent(path)}`);
  S.path = path;
  S.hash = res.hash;
  S.dirty = false;
  S.outline = S.project.outline.filter((o) => o.path === path);
  $("#save").disabled = true;
  $("#filename").textContent = path;
  setDoc(res.text);
  renderFiles();
  if (checkNow) {
    const first = S.outline.find((o) => o.kind === "segment");
    if (first && !S.outline.some((o) => o.name === S.segment)) selectSegment(first.name);
    scheduleCheck(0);
  }
}

async function loadProfile(name) {
  const box = $("#profile");
  box.replaceChildren(el("span", { class: "muted", text: "…" }));
  const asOf = $("#asof").value.trim();
  let pr;
  try {
    pr = await api(`/api/profile?segment=${encodeURIComponent(name)}${asOf ? `&as_of=${encodeURIComponent(asOf)}` : ""}`);
  } catch (e) {
    box.replaceChildren(el("span", { class: "muted", text: e.message }));
    return;
  }
  if (S.segment !== name) return;
  renderProfile(box, pr);
}

async function loadHistory(name) {
  const box = $("#history");
  box.replaceChildren(el("span", { class: "muted", text: "…" }));
  let h;
  try {
    h = await api(`/api/history?segment=${encodeURIComponent(name)}`);
  } catch (e) {
    box.replaceChildren(el("span", { class: "muted", text: e.message }));
    return;
  }
  if (S.segment !== name) return;
  renderHistory(box, h);
}

// ---- saving ------------------------------------------------------------------------------
async function startSave() {
  if (!S.path) return;
  let d;
  try {
    d = await api("/api/diff", { path: S.path, text: view.state.doc.toString() });
  } catch (e) {
    setStatus(`cannot save: ${e.message}`, "bad");
    return;
  }
  $("#diff-title").textContent = d.in_git ? `${S.path}: changes against git HEAD` : `${S.path}: changes against the file on disk`;
  const diffText = (d.in_git ? d.diff_head : d.diff_disk) || "(no change)\n";
  $("#diff").replaceChildren(...diffText.split("\n").slice(0, -1).map((ln) => el("span", {
    class: ln.startsWith("+++") || ln.startsWith("---") ? "file" : ln.startsWith("+") ? "add"
      : ln.startsWith("-") ? "del" : ln.startsWith("@@") ? "hunk" : "",
    text: ln + "\n",
  })));
  $("#diff-note").textContent = d.unchanged ? "The file on disk already holds this text." : "Saving writes the formatted text (segdsl fmt).";
  $("#dialog").classList.add("open");
  $("#confirm-save").focus();
}

async function confirmSave() {
  $("#dialog").classList.remove("open");
  try {
    const r = await api("/api/save", { path: S.path, text: view.state.doc.toString(), hash: S.hash });
    S.hash = r.hash;
    if (r.text !== view.state.doc.toString()) {
      const head = Math.min(view.state.selection.main.head, r.text.length);
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: r.text }, selection: { anchor: head } });
    }
    S.dirty = false;
    $("#save").disabled = true;
    setStatus(`saved ${r.path}`, "good");
  } catch (e) {
    setStatus(`not saved: ${e.message}`, "bad");
  }
}

// ---- start ---------------------------------------------------------------------------------
async function start() {
  S.project = await api("/api/project");
  S.vocabulary = S.project.vocabulary || null;
  if (S.vocabulary) KEYWORDS = new Set(S.vocabulary.keywords);
  document.title = `${S.project.name} · segdsl studio`;
  $("#project").textContent = S.project.name;
  const sel = $("#dialect");
  for (const d of S.project.dialects) sel.append(el("option", { value: d, text: d }));
  sel.value = S.project.dialect || "duckdb";
  sel.addEventListener("change", () => scheduleCheck(0));
  $("#asof").addEventListener("change", () => scheduleCheck(0));
  $("#save").addEventListener("click", startSave);
  $("#confirm-save").addEventListener("click", confirmSave);
  $("#cancel-save").addEventListener("click", () => $("#dialog").classList.remove("open"));
  const params = new URLSearchParams(location.search);
  if (params.get("as_of")) $("#asof").value = params.get("as_of");
  const seg = params.get("segment") || (S.project.outline.find((o) => o.kind === "segment") || {}).name;
  renderFiles();
  if (seg) {
    const o = S.project.outline.find((x) => x.kind === "segment" && x.name === seg);
    S.outline = [];
    await openFile(o.path, false);
    selectSegment(seg);
    jumpTo(o.line);
    scheduleCheck(0);
  } else if (S.project.files.length > 1) {
    await openFile(S.project.files[1]);
  }
  renderSegments(S.vocabulary);
}

window.addEventListener("beforeunload", (e) => { if (S.dirty) e.preventDefault(); });
start().catch((e) => setStatus(`cannot start: ${e.message}`, "bad"));
