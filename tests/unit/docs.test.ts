/**
 * The documentation's navigation cannot rot: every relative link of the Markdown pages (README,
 * CONTRIBUTING, docs/, the policy pack's and the emulator's pages, the examples' READMEs) points at a
 * file of the repository and, when it names a heading (`page.md#anchor`), at a heading of that page.
 */
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "..", "..");

/** Markdown files under `dir` (relative to the repository), recursively. */
function markdownUnder(dir: string, name?: string): string[] {
  const abs = path.join(REPO, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : markdownUnder(rel, name);
    return e.name.endsWith(".md") && (name === undefined || e.name === name) ? [rel] : [];
  });
}

/** The pages whose links are checked. */
const PAGES = [
  "README.md",
  "CONTRIBUTING.md",
  "policies/README.md",
  "emulator/README.md",
  ...markdownUnder("docs"),
  ...markdownUnder("examples", "README.md"),
];

/** The text outside fenced code blocks and inline code, where a `[x](y)` is a link. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, "")
    .replace(/``[^`\n]*``|`[^`\n]*`/g, "");
}

/** Inline links and images: `[text](target)` and `![alt](target "title")`. */
function linksOf(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
}

/** GitHub's anchor of a heading: lower-cased, punctuation dropped, spaces to `-`; repeats get `-1`, `-2`. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const headings = [...markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, "").matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)];
  for (const [, text] of headings) {
    const base = text
      .replace(/<[^>]+>/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

const isDirectory = (rel: string) => fs.existsSync(path.join(REPO, rel)) && fs.statSync(path.join(REPO, rel)).isDirectory();

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Every relative link of `page` that does not resolve, as `page: target (why)`. */
function brokenLinks(page: string, read: (file: string) => string | undefined): string[] {
  const text = read(page);
  if (text === undefined) return [`${page}: the page itself is missing`];
  const broken: string[] = [];
  for (const target of linksOf(text)) {
    if (isExternal(target)) continue;
    const [file, anchor] = target.split("#", 2);
    const resolved = file === "" ? page : path.normalize(path.join(path.dirname(page), decodeURI(file)));
    if (resolved.startsWith("..")) {
      broken.push(`${page}: ${target} (outside the repository)`);
      continue;
    }
    const linked = read(resolved);
    if (linked === undefined && !isDirectory(resolved)) {
      broken.push(`${page}: ${target} (no file ${resolved})`);
      continue;
    }
    if (anchor !== undefined && anchor !== "" && resolved.endsWith(".md")) {
      const anchors = anchorsOf(linked ?? "");
      if (!anchors.has(anchor)) broken.push(`${page}: ${target} (no heading #${anchor} in ${resolved})`);
    }
  }
  return broken;
}

const readRepo = (file: string): string | undefined => {
  const abs = path.join(REPO, file);
  return fs.existsSync(abs) && fs.statSync(abs).isFile() ? fs.readFileSync(abs, "utf8") : undefined;
};

describe("relative links between the Markdown pages", () => {
  test("the pages checked include every docs page and the examples' READMEs", () => {
    expect(PAGES).toEqual(expect.arrayContaining(["README.md", "docs/fleet.md", "docs/reference/sip-account.md", "examples/fleet/README.md"]));
    for (const page of PAGES) expect([page, readRepo(page) !== undefined]).toEqual([page, true]);
  });

  test.each(PAGES)("%s: every relative link resolves to a file and heading", (page) => {
    expect(brokenLinks(page, readRepo)).toEqual([]);
  });

  test("the checker finds a missing file, a missing heading and a link out of the repository, not links in code", () => {
    const pages: Record<string, string> = {
      "docs/a.md": [
        "# A page",
        "## Second `part`: here",
        "[ok](#a-page) [ok](#second-part-here) [ok](../README.md) [web](https://example.com/x.md)",
        "[gone](missing.md) [no heading](#nope) [out](../../etc/passwd) [no heading there](../README.md#no-such-heading)",
        "`[in code](nowhere.md)`",
        "```",
        "[in a block](nowhere.md)",
        "```",
      ].join("\n"),
      "README.md": "# pulumi-basip\n",
    };
    expect(brokenLinks("docs/a.md", (f) => pages[f] ?? readRepo(f))).toEqual([
      "docs/a.md: missing.md (no file docs/missing.md)",
      "docs/a.md: #nope (no heading #nope in docs/a.md)",
      "docs/a.md: ../../etc/passwd (outside the repository)",
      "docs/a.md: ../README.md#no-such-heading (no heading #no-such-heading in README.md)",
    ]);
  });
});
