import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** One SQL text found in the source: the literal as written, its interpolations filled in where known. */
export interface SqlLiteral {
  /** Path relative to the scanned root, e.g. `metrics/run-set.ts`. */
  file: string;
  line: number;
  sql: string;
}

/** Stands for an interpolation whose text the scanner cannot know (a parameter, a computed value). */
export const UNKNOWN = "__unknown_sql__";

type Literal = ts.TemplateExpression | ts.NoSubstitutionTemplateLiteral | ts.StringLiteral;

const isLiteral = (n: ts.Node | undefined): n is Literal =>
  !!n && (ts.isTemplateExpression(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isStringLiteral(n));

/** What a name in a `${…}` can stand for: a const's literal, or the literal a function returns. */
type Fragments = Map<string, Literal[]>;

function add(map: Fragments, name: string, lit: Literal): void {
  map.set(name, [...(map.get(name) ?? []), lit]);
}

/** The literal a function body returns when it is a single expression or ends in `return <literal>`. */
function returned(body: ts.ConciseBody | undefined): Literal | undefined {
  if (!body) return undefined;
  if (isLiteral(body)) return body;
  if (!ts.isBlock(body)) return undefined;
  const last = body.statements[body.statements.length - 1];
  return last && ts.isReturnStatement(last) && isLiteral(last.expression) ? last.expression : undefined;
}

function collectFragments(source: ts.SourceFile, into: Fragments): void {
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) {
      const init = n.initializer;
      if (isLiteral(init)) add(into, n.name.text, init);
      else if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
        const lit = returned(init.body);
        if (lit) add(into, n.name.text, lit);
      }
    }
    if (ts.isFunctionDeclaration(n) && n.name) {
      const lit = returned(n.body);
      if (lit) add(into, n.name.text, lit);
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
}

/** The name a `${…}` refers to: `x`, `f(…)`, `ns.x`; undefined for anything computed. */
function referencedName(e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isCallExpression(e)) return referencedName(e.expression);
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isParenthesizedExpression(e)) return referencedName(e.expression);
  return undefined;
}

/** The fragments a file can name: its own, then those it imports by name from other scanned files. */
interface Scope {
  own: Fragments;
  imports: Map<string, { file: string; name: string }>;
}

/** `./x`, `../x` and `@/dir/x` specifiers, as paths relative to the root (`metrics/x.ts`). */
function importedFile(from: string, spec: string): string | undefined {
  const base = spec.startsWith("@/") ? spec.slice(2) : spec.startsWith(".") ? path.join(path.dirname(from), spec) : undefined;
  return base === undefined ? undefined : `${path.normalize(base)}.ts`;
}

function collectImports(file: string, source: ts.SourceFile): Scope["imports"] {
  const out: Scope["imports"] = new Map();
  for (const st of source.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const target = importedFile(file, st.moduleSpecifier.text);
    const named = st.importClause?.namedBindings;
    if (!target || !named || !ts.isNamedImports(named)) continue;
    for (const el of named.elements) out.set(el.name.text, { file: target, name: (el.propertyName ?? el.name).text });
  }
  return out;
}

/**
 * A literal's text with each `${name}` replaced by what `name` stands for: a fragment of the same file,
 * or one imported from another scanned file. A name with several candidates in one file gets them
 * all, one after another, so a rule that looks for a table finds it in any of them.
 */
function expand(lit: Literal, file: string, scopes: Map<string, Scope>, depth = 0): string {
  if (!ts.isTemplateExpression(lit)) return lit.text;
  let out = lit.head.text;
  for (const span of lit.templateSpans) {
    const name = referencedName(span.expression);
    const scope = scopes.get(file);
    const via = name ? scope?.imports.get(name) : undefined;
    const [where, candidates] = via ? [via.file, scopes.get(via.file)?.own.get(via.name)] : [file, name ? scope?.own.get(name) : undefined];
    const text =
      candidates && depth < 6 ? candidates.map((c) => (c === lit ? UNKNOWN : expand(c, where, scopes, depth + 1))).join(" ") : UNKNOWN;
    out += text + span.literal.text;
  }
  return out;
}

const looksLikeSql = (text: string) => /\bSELECT\b/i.test(text) && /\bFROM\b/i.test(text);

function tsFiles(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return tsFiles(root, rel);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts") ? [rel] : [];
  });
}

/**
 * Every SQL text in the non-test TypeScript under `dirs` (relative to `root`): each string or template
 * literal that reads a table, with the fragments it interpolates expanded, so a subquery built in one
 * constant and used in another is seen where it is used.
 */
export function sqlLiterals(root: string, dirs: readonly string[]): SqlLiteral[] {
  const files = dirs.flatMap((d) => tsFiles(root, d)).sort();
  const sources = files.map((file) => ({
    file,
    source: ts.createSourceFile(file, readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, true),
  }));
  const scopes = new Map<string, Scope>();
  for (const { file, source } of sources) {
    const own: Fragments = new Map();
    collectFragments(source, own);
    scopes.set(file, { own, imports: collectImports(file, source) });
  }
  const out: SqlLiteral[] = [];
  for (const { file, source } of sources) {
    const visit = (n: ts.Node) => {
      if (isLiteral(n)) {
        const sql = expand(n, file, scopes);
        if (looksLikeSql(sql)) out.push({ file, line: source.getLineAndCharacterOfPosition(n.getStart()).line + 1, sql });
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  return out;
}
