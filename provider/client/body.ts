/**
 * Reading an answer's body with a bound on the decompressed bytes. node-fetch decompresses gzip and
 * deflate as the body streams in; its `size` option stops collecting past the limit but keeps
 * inflating what the server sends, so we read the stream ourselves and destroy it at the limit.
 */

/** Largest answer body accepted (after decompression); a device's JSON answers are a few hundred bytes. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** Thrown by {@link readBounded} when the body passes the limit; the stream is destroyed by then. */
export class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`answer larger than ${limit} bytes`);
    this.name = "TooLarge";
  }
}

type Body = NodeJS.ReadableStream & { destroy?: (error?: Error) => void };

/** The body as UTF-8 text, or a `TooLarge` rejection as soon as more than `limit` bytes arrived. */
export async function readBounded(body: Body | null | undefined, limit = MAX_ANSWER_BYTES): Promise<string> {
  if (body === null || body === undefined) return "";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Buffer);
    size += buf.length;
    if (size > limit) {
      body.destroy?.();
      throw new TooLarge(limit);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Deepest JSON nesting accepted in an answer; device answers nest two levels. */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[`/`{` in a text, outside strings. Checked before the answer is parsed
 * and printed: `JSON.parse` takes 200000 levels, but printing or walking them overflows the stack.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}
