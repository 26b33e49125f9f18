// Small helpers shared by the studio's modules.
export const $ = (sel) => document.querySelector(sel);
export const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
};
export const fmtInt = (n) => (n == null ? "–" : n.toLocaleString("en-US"));
export const fmtPct = (x) => (x == null ? "–" : (100 * x).toFixed(1) + "%");

// A call to the studio's API: JSON in and out; a 4xx/5xx answer becomes an Error whose
// message is the server's.
export async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, opts);
  const data = await res.json();
  if (!res.ok) {
    const err = new Error(data.error ? data.error.message : res.statusText);
    err.data = data;
    throw err;
  }
  return data;
}
