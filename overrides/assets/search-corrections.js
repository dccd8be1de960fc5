/*
 * Typo tolerance for the site search, loaded by search.js only when a typed word is not in the
 * index: a reader who spells every word right never downloads this module or its files.
 *
 * Why this shape:
 * - The search index matches words exactly and by prefix, so "difusion" finds nothing. The
 *   build writes the vocabulary as a deletion index cut into files by a hash
 *   (generator/search/typos.py): every word filed under its first characters with up to two
 *   deleted, so a word within two edits of a known one shares a key with it. A correction
 *   fetches the few files its own keys hash to, the keys one deletion away first (most typos
 *   are one edit), so it costs the same few KB at any collection size.
 * - Whether a word is known is asked of the index (search-engine.js `known`), which the query
 *   has fetched already; the vocabulary files are only for words it does not know.
 * - An unknown word is replaced by the nearest known word (Damerau distance, then how often it
 *   occurs), or split or joined with its neighbour; a query of several words may give up to
 *   three corrections, and search.js keeps the one whose best match scores highest.
 */

const TYPOS = "assets/search-typos/";
const RIVAL_RATIO = 20; // an equally near word this many times rarer is no rival ("dfusion" for "difusion")
const MAX_SPLITS = 3; // joined words: split points tried with a correction on one side
let typoMeta = null;
let base = null; // the site's root URL, given by search.js
const typoChunks = new Map(); // file number -> promise of {deletion: [word, count, word, count, ...]}
const encoder = new TextEncoder();

function loadTypoMeta() {
  if (!typoMeta) {
    typoMeta = fetch(new URL(`${TYPOS}meta.json`, base).href)
      .then((r) => (r.ok ? r.json() : null))
      .then((m) => (m && m.format === 2 ? m : null))
      .catch(() => null);
  }
  return typoMeta;
}

/* 32-bit FNV-1a of the UTF-8 bytes: the same as typos.bucket in Python. */
function bucketOf(key, buckets) {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(key)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h % buckets;
}

function typoChunk(meta, n) {
  if (!typoChunks.has(n)) {
    const url = new URL(`${TYPOS}${n}.bin?v=${meta.version}`, base).href;
    typoChunks.set(n, fetch(url).then(async (r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const plain = r.body.pipeThrough(new DecompressionStream("gzip"));
      return JSON.parse(await new Response(plain).text());
    }).catch(() => ({})));
  }
  return typoChunks.get(n);
}

/* The word's first `prefix` characters with up to `edits` deleted, never under two: the
   keys a word is filed under (typos.deletions). */
function deletions(word, prefix, edits) {
  const head = Array.from(word).slice(0, prefix).join("");
  const found = new Set([head]);
  let frontier = [head];
  for (let e = 0; e < edits; e += 1) {
    const next = new Set();
    for (const w of frontier) {
      const cs = Array.from(w);
      if (cs.length <= 2) continue;
      for (let i = 0; i < cs.length; i += 1) next.add(cs.slice(0, i).concat(cs.slice(i + 1)).join(""));
    }
    frontier = [...next];
    for (const w of next) found.add(w);
  }
  return found;
}

/* Damerau distance (optimal string alignment), or max + 1 once it is surely above max. */
function distance(a, b, max) {
  const s = Array.from(a);
  const t = Array.from(b);
  if (Math.abs(s.length - t.length) > max) return max + 1;
  let prev2 = null;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i += 1) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[t.length];
}

/* Known words within `edits` of `word`, nearest first, then the most frequent. */
async function candidates(meta, word, edits) {
  const keys = deletions(word, meta.prefix, edits);
  const files = new Map();
  for (const key of keys) {
    const n = bucketOf(key, meta.buckets);
    if (!files.has(n)) files.set(n, []);
    files.get(n).push(key);
  }
  const maps = await Promise.all([...files.keys()].map((n) => typoChunk(meta, n)));
  const seen = new Map();
  [...files.values()].forEach((fileKeys, i) => {
    for (const key of fileKeys) {
      const filed = maps[i][key] || []; // word, count, word, count, ...
      for (let j = 0; j + 1 < filed.length; j += 2) seen.set(filed[j], filed[j + 1]);
    }
  });
  const out = [];
  for (const [w, count] of seen) {
    const d = distance(word, w, edits);
    if (d <= edits) out.push({ text: w, cost: d, count });
  }
  out.sort((x, y) => x.cost - y.cost || y.count - x.count || (x.text < y.text ? -1 : 1));
  return out;
}

function maxEdits(word) {
  const n = Array.from(word).length;
  return n < 3 ? 0 : n < 5 ? 1 : 2; // a short word within two edits of everything is no clue
}

async function exact(meta, word) {
  const found = await candidates(meta, word, 0);
  return found.length > 0 ? found[0] : null;
}

/* Fewest edits first; then a reading that explains two typed words at once (a join); then
   the more frequent word. */
const byReading = (x, y) => x.cost - y.cost || (y.span[1] - y.span[0]) - (x.span[1] - x.span[0]) || y.count - x.count;

/* Known words near `word`: those one edit away when there are some (a few files), else those
   within the most edits its length allows. */
async function nearest(meta, word) {
  const most = maxEdits(word);
  const other = (list) => list.filter((c) => c.text !== word); // a suspect word may be filed too
  const close = other(await candidates(meta, word, Math.min(1, most)));
  return close.length > 0 || most <= 1 ? close : other(await candidates(meta, word, most));
}

/* The ways to read an unknown word: a near known word, the word joined with a neighbour, or
   split in two; each with its cost in edits (a space counts as one). */
async function readings(meta, tokens, i) {
  const word = tokens[i];
  const near = (await nearest(meta, word)).map((c) => ({ ...c, span: [i, i + 1] }));
  const joins = [];
  if (i + 1 < tokens.length) joins.push([i, i + 2, word + tokens[i + 1]]);
  if (i > 0) joins.push([i - 1, i + 1, tokens[i - 1] + word]);
  for (const [from, to, joined] of joins) {
    const hit = await exact(meta, joined);
    if (hit) near.push({ text: joined, cost: 1, count: hit.count, span: [from, to] });
  }
  if (near.some((c) => c.cost <= 1)) {
    near.sort(byReading);
    return near; // a split costs at least one edit, and looking up its halves costs fetches
  }
  const chars = Array.from(word);
  const sides = [];
  for (let k = 2; k <= chars.length - 2; k += 1) sides.push([chars.slice(0, k).join(""), chars.slice(k).join("")]);
  const known = await Promise.all(sides.map(async ([l, r]) => [await exact(meta, l), await exact(meta, r)]));
  const oneSided = [];
  sides.forEach(([l, r], k) => {
    const [left, right] = known[k];
    if (left && right) near.push({ text: `${l} ${r}`, cost: 1, count: Math.min(left.count, right.count), span: [i, i + 1] });
    else if (left && r.length >= 4) oneSided.push([l, r, left, "right"]);
    else if (right && l.length >= 4) oneSided.push([l, r, right, "left"]);
  });
  oneSided.sort((x, y) => Math.abs(x[0].length - x[1].length) - Math.abs(y[0].length - y[1].length));
  for (const [l, r, hit, side] of oneSided.slice(0, MAX_SPLITS)) {
    const fix = (await candidates(meta, side === "right" ? r : l, 1)).find((c) => c.cost === 1);
    if (fix) {
      const text = side === "right" ? `${l} ${fix.text}` : `${fix.text} ${r}`;
      near.push({ text, cost: 2, count: Math.min(hit.count, fix.count), span: [i, i + 1] });
    }
  }
  near.sort(byReading);
  return near;
}

/* Queries to try instead of `query`, best first, or [] when every word is known (`words`
   splits a query into words, `known` says whether the index holds one). The first
   unknown word with several equally near readings gives up to three queries, and the one
   with the best match wins (answerFor), so "kv cashe" becomes "kv cache" rather than "kv case". */
export async function corrections(query, { base: root, known: inIndex, words, suspect = [] }) {
  base = root;
  // the words as the engine reads them (search-engine.js `tokens`): a colon or a hyphen is no
  // word, so a pasted title ("Reason-RFT: Reinforcenent ...") is corrected like any query
  const tokens = words(query);
  const known = await Promise.all(tokens.map(async (t) => maxEdits(t) === 0 || /^\p{N}+$/u.test(t) || (!suspect.includes(t) && inIndex(t))));
  if (known.every(Boolean)) return [];
  const meta = await loadTypoMeta();
  if (!meta) return [];
  const choices = [];
  let skipTo = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    if (known[i] || i < skipTo) continue;
    // a join with the word before must not take a word already corrected
    const options = (await readings(meta, tokens, i)).filter((o) => o.span[0] >= skipTo);
    if (options.length === 0) continue;
    choices.push(options);
    skipTo = options[0].span[1];
  }
  if (choices.length === 0) return [];
  const build = (picks) => {
    const out = [];
    let at = 0;
    for (const pick of picks) {
      if (pick.span[0] < at) continue; // an alternative that overlaps the pick before it
      out.push(...tokens.slice(at, pick.span[0]), pick.text);
      at = pick.span[1];
    }
    out.push(...tokens.slice(at));
    return out.join(" ");
  };
  const best = choices.map((options) => options[0]);
  const queries = [build(best)];
  if (tokens.length > 1) {
    const k = choices.findIndex((options) => options.length > 1 && options[1].cost === options[0].cost);
    if (k >= 0) {
      for (const alt of choices[k].slice(1, 3).filter((o) => o.cost === choices[k][0].cost && o.count * RIVAL_RATIO >= choices[k][0].count)) {
        const picks = best.slice();
        picks[k] = alt;
        queries.push(build(picks));
      }
    }
  }
  return [...new Set(queries)].filter((q) => q !== tokens.join(" "));
}
