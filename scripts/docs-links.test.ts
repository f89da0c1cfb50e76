import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The README is a user's guide and the docs live in the repository: a plain clone must be enough.
const root = path.resolve(import.meta.dirname, "..");
const docs = ["README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
/** Markdown outside fenced code blocks: a link in an example is not a link. */
const prose = (text: string) => text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchors = (text: string) =>
  new Set([...prose(text).matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => (m[1] ?? "").trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-")));

function links(file: string): string[] {
  return [...prose(read(file)).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? "");
}

describe("the README and docs/", () => {
  it("keep the README under 12 KB", () => {
    expect(statSync(path.join(root, "README.md")).size).toBeLessThan(12_000);
  });

  it.each(docs)("%s links only to files and headings in the repository", (file) => {
    const broken: string[] = [];
    for (const link of links(file)) {
      if (/^[a-z]+:/i.test(link)) {
        broken.push(`${link} (outside the repository)`);
        continue;
      }
      const [target = "", anchor] = link.split("#");
      const to = target ? path.resolve(path.dirname(path.join(root, file)), decodeURI(target)) : path.join(root, file);
      if (!to.startsWith(`${root}${path.sep}`) || !existsSync(to)) broken.push(`${link} (no such file in the repository)`);
      else if (anchor && to.endsWith(".md") && !anchors(readFileSync(to, "utf8")).has(anchor)) broken.push(`${link} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  it("name nothing outside the repository, and neither does the code", () => {
    const outside = ["..", "shared"].join("/");
    const places = ["README.md", "docs", "app", "server", "ingest", "metrics", "clickhouse", "scripts", "e2e", "bin", ".ci", "Dockerfile", "package.json"];
    const offenders: string[] = [];
    const visit = (rel: string) => {
      const abs = path.join(root, rel);
      if (!existsSync(abs)) return;
      if (statSync(abs).isDirectory()) {
        for (const e of readdirSync(abs)) if (e !== "node_modules") visit(path.join(rel, e));
      } else if (read(rel).includes(outside)) offenders.push(rel);
    };
    places.forEach(visit);
    expect(offenders).toEqual([]);
  });
});
