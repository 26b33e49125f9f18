// Checks the TextMate grammar with the engine VS Code uses (vscode-textmate and the
// Oniguruma regex library): every pattern compiles, and sample lines of the retail
// example get the expected scopes. Run with `npm test`.
"use strict";

const fs = require("fs");
const path = require("path");
const assert = require("assert");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.join(__dirname, "..");
const grammarPath = path.join(root, "syntaxes", "segdsl.tmLanguage.json");
const wasm = fs.readFileSync(
  path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm")
);

const onigLib = oniguruma.loadWASM(wasm.buffer).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));

function collectRegexes(node, out) {
  if (Array.isArray(node)) {
    node.forEach((n) => collectRegexes(n, out));
  } else if (node && typeof node === "object") {
    for (const key of ["match", "begin", "end"]) {
      if (typeof node[key] === "string") out.push(node[key]);
    }
    Object.values(node).forEach((v) => collectRegexes(v, out));
  }
}

function scopesOf(grammar, line) {
  const { tokens } = grammar.tokenizeLine(line, vsctm.INITIAL);
  return tokens.map((t) => ({
    text: line.slice(t.startIndex, t.endIndex),
    scopes: t.scopes,
  }));
}

function expectScope(grammar, line, text, scope) {
  const tokens = scopesOf(grammar, line);
  const token = tokens.find((t) => t.text === text);
  assert.ok(token, `no token ${JSON.stringify(text)} in ${JSON.stringify(line)}: ${JSON.stringify(tokens)}`);
  assert.ok(
    token.scopes.includes(scope),
    `${JSON.stringify(text)} in ${JSON.stringify(line)} has ${token.scopes.join(" ")}, not ${scope}`
  );
}

async function main() {
  const raw = JSON.parse(fs.readFileSync(grammarPath, "utf8"));
  const regexes = [];
  collectRegexes(raw, regexes);
  await onigLib;
  for (const re of regexes) {
    // throws on a pattern Oniguruma cannot compile
    new oniguruma.OnigScanner([re]);
  }

  const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (scopeName) =>
      scopeName === "source.segdsl"
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  const g = await registry.loadGrammar("source.segdsl");
  assert.ok(g, "the grammar loads");

  expectScope(g, "segment high_value", "segment", "keyword.declaration.segment.segdsl");
  expectScope(g, "segment high_value", "high_value", "entity.name.type.segment.segdsl");
  expectScope(g, "segment b2b of account", "account", "support.class.entity.segdsl");
  expectScope(g, '  title "High value"', "title", "keyword.other.metadata.segdsl");
  expectScope(g, '  title "High value"', "High value", "string.quoted.double.segdsl");
  expectScope(g, "  where top 20% by spend_365d", "where", "keyword.control.where.segdsl");
  expectScope(g, "  where top 20% by spend_365d", "20", "constant.numeric.segdsl");
  expectScope(g, "  where top 20% by spend_365d", "spend_365d", "variable.other.segdsl");
  expectScope(g, "measure spend_90d = sum(purchase.amount in last 90 days)", "spend_90d", "entity.name.function.measure.segdsl");
  expectScope(g, "measure spend_90d = sum(purchase.amount in last 90 days)", "sum", "support.function.aggregate.segdsl");
  expectScope(g, "measure spend_90d = sum(purchase.amount in last 90 days)", "purchase", "support.type.event.segdsl");
  expectScope(g, "measure spend_90d = sum(purchase.amount in last 90 days)", "amount", "variable.other.member.segdsl");
  expectScope(g, "measure spend_90d = sum(purchase.amount in last 90 days)", "days", "keyword.other.unit.segdsl");
  expectScope(g, "measure n = count distinct(purchase.category)", "count distinct", "support.function.aggregate.segdsl");
  expectScope(g, "  where did not purchase in last 30 days", "purchase", "support.type.event.segdsl");
  expectScope(g, "  where in segment vip and age 25..34", "vip", "entity.name.type.segment.segdsl");
  expectScope(g, "  where in segment vip and age 25..34", "..", "keyword.operator.range.segdsl");
  expectScope(g, "  where signup_date >= 2025-01-01  # new", "2025-01-01", "constant.other.date.segdsl");
  expectScope(g, "  where signup_date >= 2025-01-01  # new", "# new", "comment.line.number-sign.segdsl");
  expectScope(g, '  where country != "US" or is_subscribed = true', "!=", "keyword.operator.comparison.segdsl");
  expectScope(g, '  where country != "US" or is_subscribed = true', "true", "constant.language.boolean.segdsl");
  expectScope(g, '  where city = "a \\" # b"', " # b", "string.quoted.double.segdsl");
  expectScope(g, "  WHERE age > 3 AND NOT did purchase", "AND", "keyword.operator.word.segdsl");
  expectScope(g, "segmentation rfm of customer", "segmentation", "keyword.declaration.segment.segdsl");
  expectScope(g, "segmentation rfm of customer", "rfm", "entity.name.type.segment.segdsl");
  expectScope(g, "  champions   where recency >= 4", "champions", "entity.name.type.class.segdsl");
  expectScope(g, "  where in segment rfm.champions", "rfm.champions", "entity.name.type.segment.segdsl");
  expectScope(g, "measure monetary = score 1..5 by spend_365d", "score", "keyword.operator.word.segdsl");
  expectScope(g, "  where count(purchase in this quarter) > 0", "quarter", "keyword.other.unit.segdsl");
  expectScope(g, "  where most_frequent(purchase.category) = \"books\"", "most_frequent", "support.function.aggregate.segdsl");

  // every line of the retail example tokenizes without an unscoped word token
  const retail = path.join(root, "..", "..", "examples", "retail");
  for (const file of fs.readdirSync(retail).filter((f) => f.endsWith(".seg"))) {
    let state = vsctm.INITIAL;
    for (const line of fs.readFileSync(path.join(retail, file), "utf8").split("\n")) {
      const r = g.tokenizeLine(line, state);
      state = r.ruleStack;
      for (const t of r.tokens) {
        const text = line.slice(t.startIndex, t.endIndex);
        if (/[A-Za-z0-9]/.test(text)) {
          assert.ok(t.scopes.length > 1, `${file}: ${JSON.stringify(text)} has no scope`);
        }
      }
    }
  }
  console.log(`grammar ok: ${regexes.length} patterns compile, samples and examples/retail scoped`);
}

main().catch((err) => {
  console.error(err.message || err);
  process.exit(1);
});
