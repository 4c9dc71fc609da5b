/**
 * A small YAML subset, enough for inventory files, with line-numbered errors. No dependency.
 *
 * Accepted (and read the way any YAML 1.2 parser reads it):
 * - block maps `key: value` and `key:` followed by a more indented block (or by a `- ` list at the
 *   same indent); keys are plain words (`[A-Za-z0-9_][A-Za-z0-9_.-/]*`) or quoted;
 * - block lists `- value`, `- key: value` (a map item continues on lines indented like `key`), `-`
 *   followed by a more indented block;
 * - flow lists `[a, b, "c"]` and flow maps `{ip: stun.example.com, port: 3478}` of scalars (not nested);
 * - scalars: `"double"` (JSON escapes), `'single'` (`''` = `'`), integers, decimals, `true`/`false`,
 *   `null`/`~`, and plain text; `#` starts a comment at line start or after a space.
 * Refused with `<file>:<line>: ...`: tabs in indentation, anchors/aliases/tags/block scalars
 * (`& * ! | >`), multi-document files, duplicate keys, bad indentation, unterminated quotes.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/** A syntax error, with the 1-based line it was found on. */
export class YamlError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = "YamlError";
  }
}

interface Line {
  indent: number;
  text: string;
  no: number;
}

const KEY_RE = /^([A-Za-z0-9_][A-Za-z0-9_.\-/]*|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?:\s+(.*))?$/;

/** The line without its comment; quotes are respected. */
function stripComment(raw: string, no: number, file: string): string {
  let quote: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s[{,:-]/.test(raw[i - 1])) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(raw[i - 1]))) {
      return raw.slice(0, i).trimEnd();
    }
  }
  if (quote) throw new YamlError(file, no, `unterminated ${quote === '"' ? "double" : "single"}-quoted string`);
  return raw.trimEnd();
}

function scalar(text: string, no: number, file: string): YamlValue {
  const s = text.trim();
  if (s.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(s)) throw new YamlError(file, no, `bad double-quoted string ${s}`);
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new YamlError(file, no, `bad escape in ${s}`);
    }
  }
  if (s.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(s)) throw new YamlError(file, no, `bad single-quoted string ${s}`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s === "" || s === "~" || s === "null") return null;
  if (s === "true" || s === "false") return s === "true";
  if (/^[-+]?\d+$/.test(s)) return Number(s);
  if (/^[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(s)) return Number(s);
  if (/^[&*!|>%@`]/.test(s)) throw new YamlError(file, no, `"${s[0]}" (anchors, aliases, tags, block scalars) is not supported in inventory files; quote the value`);
  if (/^[[{]/.test(s)) throw new YamlError(file, no, `nested or unclosed flow collection ${s} is not supported`);
  if (/:\s|\s#/.test(s) || s.endsWith(":")) throw new YamlError(file, no, `ambiguous plain value ${JSON.stringify(s)}; quote it`);
  return s;
}

function flowOrScalar(text: string, no: number, file: string): YamlValue {
  const s = text.trim();
  const inner = (open: string, close: string) => {
    if (!s.endsWith(close)) throw new YamlError(file, no, `unclosed ${open}`);
    const body = s.slice(1, -1).trim();
    if (/[[\]{}]/.test(body)) throw new YamlError(file, no, "nested flow collections are not supported");
    return body === "" ? [] : body.split(",").map((p) => p.trim());
  };
  if (s.startsWith("[")) return inner("[", "]").map((p) => scalar(p, no, file));
  if (s.startsWith("{")) {
    const out: Record<string, YamlValue> = {};
    for (const part of inner("{", "}")) {
      const m = KEY_RE.exec(part);
      if (!m) throw new YamlError(file, no, `expected "key: value" in flow map, got ${JSON.stringify(part)}`);
      const key = keyOf(m[1]);
      if (key in out) throw new YamlError(file, no, `duplicate key "${key}"`);
      out[key] = scalar(m[2] ?? "", no, file);
    }
    return out;
  }
  return scalar(s, no, file);
}

const keyOf = (k: string) => (k.startsWith('"') ? (JSON.parse(k) as string) : k.startsWith("'") ? k.slice(1, -1).replace(/''/g, "'") : k);
const isItem = (l: Line) => l.text === "-" || l.text.startsWith("- ");

/** Parses `text` (the contents of `file`, named in errors). An empty document is `null`. */
export function parseYaml(text: string, file: string): YamlValue {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const no = i + 1;
    const indentText = /^[ \t]*/.exec(raw)![0];
    if (indentText.includes("\t") && raw.trim() !== "") throw new YamlError(file, no, "tab in indentation; use spaces");
    const body = stripComment(raw, no, file);
    if (body.trim() === "") return;
    if (body === "---" || body === "...") {
      if (lines.length > 0) throw new YamlError(file, no, "only one YAML document per file");
      return;
    }
    lines.push({ indent: indentText.length, text: body.trim(), no });
  });
  let pos = 0;

  function block(indent: number): YamlValue {
    return isItem(lines[pos]) ? list(indent) : map(indent);
  }

  function valueAfter(parentIndent: number): YamlValue {
    const next = lines[pos];
    if (next && next.indent > parentIndent) return block(next.indent);
    if (next && next.indent === parentIndent && isItem(next)) return list(parentIndent);
    return null;
  }

  function map(indent: number): Record<string, YamlValue> {
    const out: Record<string, YamlValue> = {};
    while (pos < lines.length && lines[pos].indent >= indent) {
      const l = lines[pos];
      if (l.indent > indent) throw new YamlError(file, l.no, "unexpected indentation");
      if (isItem(l)) throw new YamlError(file, l.no, 'a list item where a "key: value" line was expected');
      const m = KEY_RE.exec(l.text);
      if (!m) throw new YamlError(file, l.no, `expected "key: value", got ${JSON.stringify(l.text)}`);
      const key = keyOf(m[1]);
      if (key in out) throw new YamlError(file, l.no, `duplicate key "${key}"`);
      pos++;
      out[key] = m[2] === undefined ? valueAfter(indent) : flowOrScalar(m[2], l.no, file);
    }
    return out;
  }

  function list(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (pos < lines.length && lines[pos].indent === indent && isItem(lines[pos])) {
      const l = lines[pos];
      const rest = l.text.slice(1).replace(/^ +/, "");
      if (rest === "") {
        pos++;
        const next = lines[pos];
        out.push(next && next.indent > indent ? block(next.indent) : null);
      } else if (KEY_RE.test(rest) || rest === "-" || rest.startsWith("- ")) {
        // The item's content starts on this line: re-read the line as if it began at the content.
        lines[pos] = { indent: indent + (l.text.length - rest.length), text: rest, no: l.no };
        out.push(block(lines[pos].indent));
      } else {
        pos++;
        out.push(flowOrScalar(rest, l.no, file));
      }
    }
    if (pos < lines.length && lines[pos].indent > indent) throw new YamlError(file, lines[pos].no, "unexpected indentation");
    return out;
  }

  if (lines.length === 0) return null;
  const root = lines[0];
  if (root.indent !== 0) throw new YamlError(file, root.no, "the document must start at column 1");
  let value: YamlValue;
  if (KEY_RE.test(root.text) || isItem(root)) value = block(0);
  else {
    value = flowOrScalar(root.text, root.no, file);
    pos++;
  }
  if (pos < lines.length) throw new YamlError(file, lines[pos].no, `unexpected ${JSON.stringify(lines[pos].text)} (bad indentation?)`);
  return value;
}
