/*
 * The search engine: answers a query from the index files that the build writes to
 * assets/search-index/ (generator/search/index.py says what each file holds).
 *
 * Why this shape:
 * - A query fetches only what it needs: the terms file that holds each typed word (its stem and
 *   the stem's heaviest papers with their scores are in the same file), the tail of a common
 *   word (its other papers), then the papers file of each result shown. So its cost stays
 *   about the same at 100 or 50,000 papers. Every file is fetched once per page and kept, and
 *   typing a word longer narrows to a terms file already fetched.
 * - No stemmer here: the terms file says which stem a word belongs to, so the browser and the
 *   build can never disagree. The last word of a query, and a word the index does not hold
 *   anywhere in the query ("quantizatio llm"), also match as a prefix: the words it begins,
 *   the most common first, each with its heaviest papers, scored lower the more of the word is
 *   missing, so typing shows answers early.
 * - Every word of the query must match (a paper holding only some of them is not a result),
 *   and scores were computed by the build (BM25), so a query only adds them up, and a paper
 *   that the query names ("Bridge: ...", from the terms file) gets a bonus on top: one that
 *   every word of the query names, not one that shares a single word with it ("Direct
 *   Modeling" is not "Direct Advantage Regression: ...", whose name holds "direct" alone).
 * - A word that matches nothing is named in the answer (`unknown`): search.js then loads the
 *   typo corrector, which asks `known` whether a word is in the index.
 * - Excerpts are made here from the paper's text: escaped, with <mark> around the words that
 *   matched and nothing else as markup; search.js turns only those marks into elements.
 * - Called as search.js calls it: options, init, search(query | null, {filters}) -> {results:
 *   [{id, score, data()}], unknown: [words]}, data() -> {url, meta: {title (HTML-escaped), date}, filters: {topic}, excerpt}.
 */

const settings = { baseUrl: "/", excerptLength: 24 };
const PREFIX_WORDS = 40; // a prefix stands for at most this many words, the most common first
const PREFIX_FILES = 2; // and is looked up in at most this many terms files
const RARE = 5; // papers: a word this rare in a query that matches nothing may be a typo
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
      if (m.format !== 3) throw new Error(`search index: format ${m.format} is not known`);
      m.terms = await load("keys.bin", m.version); // where each terms file begins
      return m;
    });
    meta.catch(() => { meta = null; }); // a failed fetch is tried again by the next search
  }
  return meta;
}

async function load(name, version) {
  const r = await fetch(`${folder()}${name}?v=${version}`);
  if (!r.ok) throw new Error(`search index: ${name}: HTTP ${r.status}`);
  const plain = r.body.pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(plain).text());
}

function file(name) {
  if (!files.has(name)) {
    const loading = init().then((m) => load(name, m.version));
    loading.catch(() => files.delete(name)); // a failed fetch may be tried again
    files.set(name, loading);
  }
  return files.get(name);
}

/* The words of a text as the index holds them (generator/core/words.search_words). */
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

/* A typed word as the index knows it: its stem's entry [forms, papers, top, tailScore, tail],
   or null. One terms file holds the word and its stem. */
async function entryOf(m, word) {
  const terms = await file(`t${fileOf(m.terms, word)}.bin`);
  const flat = terms.words; // word, stem ("" when the same), ...
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (flat[i] === word) {
      const stem = flat[i + 1] || word;
      return { stem, entry: terms.stems[stem], names: terms.names[word] };
    }
  }
  return null;
}

/* The stems of the words that `prefix` begins, from the first PREFIX_FILES terms files of its
   range (a longer prefix narrows the range to files already fetched), the most common first:
   [stem, entry, similarity, [[the papers a word of it names, similarity], ...]]. */
async function completions(m, prefix) {
  const first = fileOf(m.terms, prefix);
  const last = Math.min(fileOf(m.terms, `${prefix}\uffff`), first + PREFIX_FILES - 1);
  const found = new Map(); // stem -> [stem, entry, similarity]
  for (let n = first; n <= last; n += 1) {
    const terms = await file(`t${n}.bin`);
    const flat = terms.words;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const w = flat[i];
      if (w.length <= prefix.length || !w.startsWith(prefix)) continue;
      const stem = flat[i + 1] || w;
      const similarity = prefix.length / w.length;
      const had = found.get(stem);
      if (!had || had[2] < similarity) found.set(stem, [stem, terms.stems[stem], similarity, had ? had[3] : []]);
      if (terms.names[w]) found.get(stem)[3].push([terms.names[w], similarity]);
    }
  }
  return [...found.values()].sort((a, b) => b[1][1] - a[1][1] || (a[0] < b[0] ? -1 : 1)).slice(0, PREFIX_WORDS);
}

/* Whether the index has `word`, or a word it begins: what the typo corrector asks first. */
export async function known(word) {
  const m = await init();
  return (await entryOf(m, word)) !== null || (await completions(m, word)).length > 0;
}

function addTop(scores, top, weight, scale) {
  let doc = -1;
  for (let i = 0; i + 1 < top.length; i += 2) {
    doc += top[i];
    const score = (top[i + 1] / scale) * weight;
    if (!(scores.get(doc) >= score)) scores.set(doc, score);
  }
}

/* The papers of a stem's tail: gaps, or a bitmap in base64 (paper d is bit d % 8 of byte d / 8). */
function tailDocs(tail) {
  if (Array.isArray(tail)) {
    const docs = [];
    let doc = -1;
    for (const gap of tail) docs.push((doc += gap));
    return docs;
  }
  const bytes = atob(tail);
  const docs = [];
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes.charCodeAt(i);
    for (let b = 0; b < 8; b += 1) if (byte & (1 << b)) docs.push(i * 8 + b);
  }
  return docs;
}

/* One query word: paper -> score, and the words that matched it. The word itself counts with
   all its papers (the heaviest with their own score, the tail with its median); the words it
   begins, when it may be unfinished or is not a word, count with their heaviest papers only,
   scored lower the more of the word is missing. */
async function termScores(m, word, prefix) {
  const scores = new Map();
  const forms = new Set();
  const own = await entryOf(m, word);
  const near = prefix || !own ? await completions(m, word) : [];
  for (const [, entry, similarity] of near) {
    addTop(scores, entry[2], similarity, m.scale);
    for (const w of entry[0]) forms.add(w);
  }
  const named = near.flatMap((c) => c[3]);
  if (own) {
    const [words, , top, tailScore, tail] = own.entry;
    for (const w of words) forms.add(w);
    addTop(scores, top, 1, m.scale);
    if (tail >= 0) {
      const tails = await file(`x${tail}.bin`);
      const score = tailScore / m.scale;
      for (const doc of tailDocs(tails[own.stem])) if (!(scores.get(doc) >= score)) scores.set(doc, score);
    }
    if (own.names) named.push([own.names, 1]);
  }
  return { scores, forms, names: nameBonus(scores, named, m.scale), cutShort: !own && near.length > 0 };
}

/* The papers a word names ("Bridge: ..."): [bonus, paper gaps...] from the terms file, each
   with its bonus (the most similar word's), of the papers the word matched: paper -> bonus. */
function nameBonus(scores, named, scale) {
  const added = new Map();
  for (const [[bonus, ...gaps], similarity] of named) {
    let doc = -1;
    for (const gap of gaps) {
      doc += gap;
      const more = (bonus / scale) * similarity;
      if (scores.has(doc) && !(added.get(doc) >= more)) added.set(doc, more);
    }
  }
  return added;
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
  for (const [doc, score] of total) {
    let more = 0; // the names' bonus, for a paper that every word of the query names
    for (const term of terms) {
      const bonus = term.names.get(doc);
      if (bonus === undefined) {
        more = 0;
        break;
      }
      more += bonus;
    }
    if (more > 0) total.set(doc, score + more);
  }
  const forms = new Set(terms.flatMap((t) => [...t.forms]));
  const prefixes = terms.filter((t) => t.prefix || t.cutShort).map((t) => t.word);
  const matches = (w) => forms.has(w) || prefixes.some((p) => w.startsWith(p));
  const ranked = [...total].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  // a word no paper has, or when nothing matched, the rarest word if only a few papers have it: a
  // misspelling that some abstract also made ("langauge") is as much a typo as any other
  let unknown = terms.filter((t) => t.scores.size === 0).map((t) => t.word);
  if (unknown.length === 0 && total.size === 0 && order[0].scores.size <= RARE) unknown = [order[0].word];
  return { results: ranked.map(([doc, score]) => result(m, doc, score, matches)), unknown };
}

/* Fetch the files a query will need while the reader is still typing: the terms of each word
   already finished (a space after it) and the tail of a common one. The word being typed is
   left alone: each key moves it to other terms files, most of which the next key makes useless. */
export async function preload(query) {
  const m = await init();
  const finished = /\s$/.test(query) ? query : String(query).replace(/\S+$/, "");
  const words = finished.normalize("NFKC").toLowerCase().split(/\s+/).flatMap((chunk) => {
    const parts = tokens(chunk);
    return parts.length > 1 && /[-']/.test(chunk) ? [parts.join(""), ...parts] : parts;
  });
  await Promise.all(
    [...new Set(words)].map(async (w) => {
      const own = await entryOf(m, w);
      if (own && own.entry[4] >= 0) await file(`x${own.entry[4]}.bin`);
    }),
  );
}
