/**
 * The secret sweep's check (tests/sweep/check.js), on synthetic records: it finds a secret in any
 * case, ignores secrets too short to search, and its report never contains the secret it found.
 */
const { findHits, MIN_SECRET } = require("../sweep/check") as {
  findHits: (records: object[]) => { source: string; file: string; context: string }[];
  MIN_SECRET: number;
};

const SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

test("a text holding a secret, in either case, is a hit; the hit's context masks it", () => {
  const hits = findHits([
    { secret: SECRET },
    { source: "console.log", file: "a.test.ts", text: `clean text` },
    { source: "stderr", file: "b.test.ts", text: `token ${SECRET.toUpperCase()} leaked` },
  ]);
  expect(hits).toEqual([{ source: "stderr", file: "b.test.ts", secretLength: SECRET.length, context: "token <SECRET> leaked" }]);
  expect(JSON.stringify(hits).toLowerCase()).not.toContain(SECRET);
});

test(`secrets shorter than ${MIN_SECRET} characters are not searched; no secrets, no hits`, () => {
  expect(findHits([{ secret: "pw1" }, { source: "stdout", file: "c", text: "pw1 pw1" }])).toEqual([]);
  expect(findHits([{ source: "stdout", file: "c", text: SECRET }])).toEqual([]);
});
