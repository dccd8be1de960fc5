/*
 * The search engine: answers a query from the index files that the build writes to
 * assets/search-index/ (generator/search/index.py says what each file holds).
 *
 * Why this shape:
 * - A query fetches only what it needs: the words file that holds each typed word, the stems
 *   file of each of their stems, then the papers file of each result shown. So its cost stays
 *   the same at 100 or 50,000 papers. Every file is fetched once per page and kept.
 * - No stemmer here: the words file says which stem a word belongs to, so the browser and the
 *   build can never disagree. The last word of a query also matches as a prefix ("diff" finds
 *   "diffusion"), scored lower the more of the word is missing, so typing shows answers early;
 *   this is how the page-based indexer the site used before matched, so queries find the same.
 * - Every word of the query must match (a paper holding only some of them is not a result),
 *   and scores were computed by the build (BM25), so a query only adds them up.
 * - Excerpts are made here from the paper's text: escaped, with <mark> around the words that
 *   matched and nothing else as markup; search.js turns only those marks into elements.
 * - Called as search.js calls it: options, init, search(query | null, {filters}) -> {results:
 *   [{id, score, data()}]}, data() -> {url, meta: {title (HTML-escaped), date}, filters: {topic}, excerpt}.
 */

const settings = { baseUrl: "/", excerptLength: 24 };
const PREFIX_WORDS = 40; // a prefix stands for at most this many words, the most common first
const WORD = /[\p{L}\p{N}]+/gu;

let meta = null;
const files = new Map(); // name -> promise of its JSON

export async function options(given) {
  Object.assign(settings, given);
}

function folder() {
  return new URL("assets/search-index/", new URL(settings.baseUrl.replace(/\/?$/, "/"), location.href)).href;
}

export async function init() {
  if (!meta) {
    meta = fetch(`${folder()}meta.json`).then(async (r) => {
      if (!r.ok) throw new Error(`search index: HTTP ${r.status}`);
      const m = await r.json();
      if (m.format !== 1) throw new Error(`search index: format ${m.format} is not known`);
      return m;
    });
  }
  return meta;
}

function file(name) {
  if (!files.has(name)) {
    const loading = init().then(async (m) => {
      const r = await fetch(`${folder()}${name}?v=${m.version}`);
      if (!r.ok) throw new Error(`search index: ${name}: HTTP ${r.status}`);
      const plain = r.body.pipeThrough(new DecompressionStream("gzip"));
      return JSON.parse(await new Response(plain).text());
    });
    loading.catch(() => files.delete(name)); // a failed fetch may be tried again
    files.set(name, loading);
  }
  return files.get(name);
}

/* The words of a text as the index holds them (generator/search/typos.words). */
export function tokens(text) {
  return Array.from(String(text).normalize("NFKC").toLowerCase().replace(/_/g, " ").matchAll(WORD), (m) => m[0]);
}

/* The file whose range holds `key`: the last one whose first key is not after it. Strings
   compare by UTF-16 code units here and in the build's sort. */
function fileOf(firsts, key) {
  let lo = 0;
  let hi = firsts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (firsts[mid] <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/* The stems a typed word stands for, each with how closely it matched (1: the word itself).
   A word still being typed also stands for the words it begins and the stems its own stem
   begins ("accurate", stem "accur", finds "accuracy"), the most common first. */
async function stemsOf(m, word, prefix) {
  const first = fileOf(m.words, word);
  const last = prefix ? fileOf(m.words, `${word}\uffff`) : first;
  const found = new Map(); // stem -> similarity
  const near = []; // [stem, similarity, papers]
  for (let n = first; n <= last; n += 1) {
    const flat = await file(`w${n}.bin`); // word, stem ("" when the same), papers, ...
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const w = flat[i];
      if (w === word) found.set(flat[i + 1] || w, 1);
      else if (prefix && w.startsWith(word)) near.push([flat[i + 1] || w, word.length / w.length, flat[i + 2]]);
    }
  }
  const own = [...found.keys()][0];
  if (prefix && own !== undefined) {
    for (let n = fileOf(m.stems, own); n <= fileOf(m.stems, `${own}\uffff`); n += 1) {
      const entries = await file(`s${n}.bin`);
      for (const [stem, [, flat]] of Object.entries(entries)) {
        if (stem !== own && stem.startsWith(own)) near.push([stem, own.length / stem.length, flat.length / 2]);
      }
    }
  }
  near.sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1));
  for (const [stem, similarity] of near.slice(0, PREFIX_WORDS)) {
    if (!(found.get(stem) >= similarity)) found.set(stem, similarity);
  }
  return found;
}

async function stemEntry(m, stem) {
  const entries = await file(`s${fileOf(m.stems, stem)}.bin`);
  return Object.hasOwn(entries, stem) ? entries[stem] : null;
}

/* One query word: paper -> score (the best of its stems), and the words that matched it. */
async function termScores(m, word, prefix) {
  const stems = await stemsOf(m, word, prefix);
  const scores = new Map();
  const forms = new Set();
  await Promise.all(Array.from(stems, async ([stem, similarity]) => {
    const entry = await stemEntry(m, stem);
    if (!entry) return;
    const [words, flat] = entry;
    for (const w of words) forms.add(w);
    let doc = -1;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      doc += flat[i];
      const score = (flat[i + 1] / m.scale) * similarity;
      if (!(scores.get(doc) >= score)) scores.set(doc, score);
    }
  }));
  return { scores, forms };
}

async function filterDocs(m, filters) {
  let kept = null;
  for (const [kind, values] of Object.entries(filters || {})) {
    const union = new Set();
    for (const value of [].concat(values)) {
      const n = m.filters[kind] && Object.hasOwn(m.filters[kind], value) ? m.filters[kind][value] : undefined;
      if (n === undefined) continue;
      let doc = -1;
      for (const gap of await file(`f${n}.bin`)) union.add((doc += gap));
    }
    kept = kept === null ? union : new Set([...kept].filter((d) => union.has(d)));
  }
  return kept; // null: no filter
}

function escapeText(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/* `length` words of `text` around the most matched words, the matched ones in <mark>. */
export function excerpt(text, matches, length) {
  const found = Array.from(String(text).matchAll(WORD));
  if (found.length === 0) return "";
  const hit = found.map((w) => matches(w[0].normalize("NFKC").toLowerCase()));
  let best = 0;
  let bestCount = -1;
  let count = 0;
  for (let i = 0; i < found.length; i += 1) {
    if (hit[i]) count += 1;
    if (i >= length && hit[i - length]) count -= 1;
    const start = Math.max(0, i - length + 1);
    if (count > bestCount) {
      bestCount = count;
      best = start;
    }
  }
  if (bestCount === 0) best = 0;
  const end = Math.min(found.length, best + length);
  const from = best === 0 ? 0 : found[best].index;
  const to = end === found.length ? text.length : found[end - 1].index + found[end - 1][0].length;
  let out = "";
  let at = from;
  for (let i = best; i < end; i += 1) {
    const w = found[i];
    out += escapeText(text.slice(at, w.index));
    out += hit[i] ? `<mark>${escapeText(w[0])}</mark>` : escapeText(w[0]);
    at = w.index + w[0].length;
  }
  out += escapeText(text.slice(at, to));
  return out.trim();
}

function result(m, doc, score, matches) {
  return {
    id: doc,
    score,
    data: async () => {
      const records = await file(`d${Math.floor(doc / m.docs_per_file)}.bin`);
      const [url, title, date, topics, text] = records[doc % m.docs_per_file];
      return {
        url: new URL(url, new URL(settings.baseUrl.replace(/\/?$/, "/"), location.href)).pathname,
        meta: { title: escapeText(title), date }, // search.js decodes it, as it did the old engine's
        filters: { topic: topics },
        excerpt: excerpt(text, matches, settings.excerptLength),
      };
    },
  };
}

/* The query's terms: its words, except that a hyphenated word ("kv-cache") is one term, the
   word joined as the index also holds it, when some paper has it so; else its parts. */
async function queryTerms(m, query, typing) {
  const chunks = String(query || "").normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean);
  const seen = new Set();
  const terms = [];
  for (let c = 0; c < chunks.length; c += 1) {
    const parts = tokens(chunks[c]);
    const lastChunk = typing && c === chunks.length - 1;
    if (parts.length > 1 && /[-']/.test(chunks[c])) {
      const joined = parts.join("");
      const term = await termScores(m, joined, lastChunk);
      if (term.scores.size > 0) {
        if (!seen.has(joined)) terms.push({ ...term, word: joined, prefix: lastChunk });
        seen.add(joined);
        continue;
      }
    }
    for (let i = 0; i < parts.length; i += 1) {
      if (seen.has(parts[i])) continue;
      seen.add(parts[i]);
      const prefix = lastChunk && i === parts.length - 1;
      terms.push({ ...(await termScores(m, parts[i], prefix)), word: parts[i], prefix });
    }
  }
  return terms;
}

export async function search(query, { filters } = {}) {
  const m = await init();
  const kept = await filterDocs(m, filters);
  const typing = !/\s$/.test(query || ""); // the last word may be unfinished
  const terms = await queryTerms(m, query, typing);
  if (terms.length === 0) {
    if (kept === null) return { results: [] };
    return { results: [...kept].sort((a, b) => a - b).map((doc) => result(m, doc, 0, () => false)) };
  }
  const order = terms.slice().sort((a, b) => a.scores.size - b.scores.size); // the rarest narrows first
  const total = new Map();
  for (const [doc, score] of order[0].scores) {
    if (kept === null || kept.has(doc)) total.set(doc, score);
  }
  for (const term of order.slice(1)) {
    for (const [doc, score] of total) {
      const more = term.scores.get(doc);
      if (more === undefined) total.delete(doc);
      else total.set(doc, score + more);
    }
  }
  const forms = new Set(terms.flatMap((t) => [...t.forms]));
  const prefixes = terms.filter((t) => t.prefix).map((t) => t.word);
  const matches = (w) => forms.has(w) || prefixes.some((p) => w.startsWith(p));
  const ranked = [...total].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return { results: ranked.map(([doc, score]) => result(m, doc, score, matches)) };
}

/* Fetch the files a query will need while the reader is still typing. */
export async function preload(query) {
  const m = await init();
  const words = tokens(query);
  await Promise.all(words.map((w) => stemsOf(m, w, false).then((stems) => Promise.all([...stems.keys()].map((s) => stemEntry(m, s))))));
}
