/*
 * My shelf and the authors' page, filled in the browser (loaded by assets/shelf.js only on
 * those two pages; the pages are generator/site/shelf.py, the data generator/shelf/data.py).
 *
 * - The list: the saved papers, newest saved first, filtered by a typed word; each with its
 *   authors, links, the date saved and a button that removes it.
 * - For you: the nearest papers of the saved ones, by the top terms they share, summed over
 *   the saved papers (api.nearest in assets/shelf.js; generator/shelf/data.py neighbours;
 *   terms.py says why top terms). Each saved paper keeps its record's nearest papers and terms,
 *   so the page fetches only the records of the papers it shows (a shard each; shelf.js starts
 *   those fetches before the theme's scripts run); the list is kept in localStorage for the
 *   build's version, so a second visit fetches nothing.
 * - Exports: the BibTeX entries of papers.bib, RIS, a shelf file (JSON, for import elsewhere),
 *   and a reading list in the format of content/collections/<slug>.yml, with a link that opens
 *   it on the repository's new-file page. Import takes a shelf file or such a reading list; any
 *   other file is refused with one message and the shelf is left as it was.
 * - Contributor text is only ever set as textContent.
 */

const REASON_TERMS = 2; // terms named in a recommendation's reason
const AUTHOR_PAGE = 50; // papers the authors' page lists at a time (a record shard each, at most)
const SHELF_FILE = "papershelf-shelf"; // the "format" of an exported shelf file
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const dateFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
function humanDate(iso) {
  const parsed = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(parsed.getTime()) ? String(iso) : dateFormat.format(parsed);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function shortAuthors(paper) {
  const names = paper.authors.slice(0, 6);
  return names.length < paper.authors.length + (paper.more_authors || 0) ? `${names.join(", ")} et al.` : names.join(", ");
}

/* Math in titles ($O(n^2)$, \(x\)): the spans generator/core/tex.py MATH finds, typeset by
   the KaTeX copy the site ships, fetched only once a title shown here has some (as search
   results do). The TeX is given to KaTeX as text, never as HTML; until KaTeX is here, or if it
   cannot be, the TeX shows as written, without its dollars. */
const MATH = /\$\$([^]+?)\$\$|\$([^$\n]+?)\$|\\\(([^]+?)\\\)|\\\[([^]+?)\\\]/g;
let katexLoading = null;
function typeset(api, spans) {
  if (!katexLoading) {
    katexLoading = new Promise((resolve, reject) => {
      const href = new URL("assets/vendor/katex/katex.min.css", api.base).href;
      if (!Array.from(document.styleSheets).some((sheet) => sheet.href === href)) {
        const css = el("link");
        css.rel = "stylesheet";
        css.href = href;
        document.head.append(css);
      }
      if (typeof katex !== "undefined") return resolve();
      const script = el("script");
      script.src = new URL("assets/vendor/katex/katex.min.js", api.base).href;
      script.onload = () => resolve();
      script.onerror = reject;
      document.head.append(script);
    });
  }
  katexLoading.then(() => {
    for (const [span, tex, display] of spans) {
      try {
        katex.render(tex, span, { displayMode: display, throwOnError: false });
      } catch (err) {
        /* the TeX stays as written */
      }
    }
  }).catch(() => {});
}

/* A title's text and math into `node`, as the site's pages show titles. */
function titleInto(api, node, title) {
  const spans = [];
  let pos = 0;
  for (const m of title.matchAll(MATH)) {
    node.append(title.slice(pos, m.index));
    const tex = m[1] ?? m[2] ?? m[3] ?? m[4];
    const span = el("span", "arithmatex", tex.trim());
    node.append(span);
    spans.push([span, tex, m[1] !== undefined || m[4] !== undefined]);
    pos = m.index + m[0].length;
  }
  node.append(title.slice(pos));
  if (spans.length) typeset(api, spans);
  return node;
}

/* One paper as a list entry: title link, dates, authors, links, then `extra` nodes. */
function entry(api, paper, extra) {
  const item = el("li", "ps-shelf__item");
  const title = titleInto(api, el("a", "ps-item-title"), paper.title || paper.slug);
  title.href = new URL(`papers/${paper.slug}/`, api.base).href;
  const head = el("p", "ps-shelf__head");
  head.append(title);
  item.append(head);
  const facts = [];
  if (paper.date) facts.push(`Listed ${humanDate(paper.date)}`);
  if (paper.saved) facts.push(`saved ${humanDate(paper.saved)}`);
  if (facts.length) item.append(el("p", "ps-shelf__facts", facts.join(" · ")));
  if (paper.authors && paper.authors.length) item.append(el("p", "ps-item-authors", shortAuthors(paper)));
  const links = [["Paper", paper.link], ["PDF", paper.pdf], ["Code", paper.code]].filter(([, href]) => /^https:\/\//.test(href || ""));
  if (links.length) {
    const row = el("p", "ps-shelf__links");
    for (const [label, href] of links) {
      const a = el("a", "", label);
      a.href = href;
      a.rel = "noopener nofollow";
      row.append(a, " ");
    }
    item.append(row);
  }
  for (const node of extra) item.append(node);
  return item;
}

function saved(api) {
  return Object.values(api.load().papers).sort((a, b) => (b.saved || "").localeCompare(a.saved || "") || a.slug.localeCompare(b.slug));
}

/* ---- the list ---- */

function showList(api, page) {
  const papers = saved(api);
  const word = page.filter.value.trim().toLowerCase();
  const shown = word
    ? papers.filter((p) => [p.title, ...(p.authors || []), ...(p.terms || []).map((t) => t[0])].some((s) => String(s || "").toLowerCase().includes(word)))
    : papers;
  page.list.replaceChildren(...shown.map((p) => entry(api, p, [api.button(p.slug, p.title || p.slug, false)])));
  page.tools.hidden = papers.length === 0;
  page.exports.hidden = papers.length === 0;
  if (papers.length === 0) page.status.textContent = "Your shelf is empty. Save papers with the Save to my shelf button of a paper, a listing or a search result.";
  else if (word) page.status.textContent = `${shown.length} of ${papers.length} saved papers match “${page.filter.value.trim()}”.`;
  else page.status.textContent = papers.length === 1 ? "1 saved paper." : `${papers.length} saved papers.`;
}

/* ---- For you ---- */

/* Saved papers with their numbers, terms and nearest papers in this build: after a rebuild,
   read again from their records (their BibTeX entries and authors are kept); a paper saved
   before its details could be read is completed now. */
async function current(api, m) {
  const out = await Promise.all(saved(api).map(async (p) => {
    if (!p.bibtex) return api.fill(p.slug).catch(() => null);
    if (p.v === m.version && p.near && p.slots === m.slots) return p;
    const found = await api.record(p.slug).catch(() => null);
    if (!found) return null;
    const fresh = { ...p, id: found.id, v: found.v, slots: found.slots, terms: found.terms, near: found.near };
    const shelf = api.load();
    if (shelf.papers[p.slug]) {
      shelf.papers[p.slug] = { ...fresh, saved: shelf.papers[p.slug].saved };
      api.store(shelf);
    }
    return fresh;
  }));
  return out.filter(Boolean);
}

/* For you's papers (api.nearest) with their records, and the reason each is listed: the shared
   terms that weigh most in the saved papers, and how many saved papers hold them. */
function rank(api, m, papers) {
  return Promise.all(api.nearest(papers).map(async ([id, , shares]) => {
    const rows = await api.shard(m, `r${Math.floor(id / m.slots)}.bin`);
    const paper = rows[id % m.slots];
    const named = [...shares].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, REASON_TERMS).map(([t]) => t);
    const count = papers.filter((p) => (p.terms || []).some(([t]) => named.includes(t))).length;
    const { slug, title, date, authors, link, pdf, code } = paper;
    return { slug, title, date, authors, link, pdf, code, reason: { terms: named, count } };
  }));
}

function reasonNode(reason) {
  const p = el("p", "ps-foryou__reason");
  p.append("Shares ");
  reason.terms.forEach((term, i) => {
    if (i) p.append(", ");
    p.append(el("em", "", term));
  });
  p.append(` with ${reason.count} ${reason.count === 1 ? "paper" : "papers"} you saved`);
  return p;
}

/* The For-you list of the saved papers as they are now: from the cache when the shelf and the
   build are those it was made for (a second visit fetches nothing but meta.json), else ranked
   and cached. No page element is needed, so My shelf starts it before its page is drawn.
   Resolves to null for an empty shelf, to {stale: true} if the shelf changed meanwhile. */
async function recommendations(api) {
  const papers = saved(api);
  if (papers.length === 0) return null;
  const key = api.FOR_YOU_KEY;
  const m = await api.meta();
  let cached = null;
  try {
    cached = JSON.parse(localStorage.getItem(key) || "null");
  } catch (err) {
    cached = null;
  }
  if (cached && cached.version === m.version && cached.shelf === api.shelfKey(papers)) return { shelf: cached.shelf, items: cached.items };
  const items = await rank(api, m, await current(api, m));
  if (api.shelfKey(saved(api)) !== api.shelfKey(papers)) return { stale: true }; // a newer run shows
  try {
    localStorage.setItem(key, JSON.stringify({ version: m.version, shelf: api.shelfKey(papers), items }));
  } catch (err) {
    /* full: the list is shown anyway, and made again next time */
  }
  return { shelf: api.shelfKey(papers), items };
}

async function forYou(api, page, early) {
  const papers = saved(api);
  page.forYou.hidden = papers.length === 0;
  if (papers.length === 0) return;
  delete page.forYouList.dataset.psReady;
  page.forYouStatus.textContent = "Finding papers like the ones you saved…";
  let found;
  try {
    found = await early;
    if (!found || found.stale || found.shelf !== api.shelfKey(papers)) found = await recommendations(api);
  } catch (err) {
    page.forYouStatus.textContent = "Recommendations are not available: the site's data could not be loaded.";
    return;
  }
  if (!found || found.stale) return; // emptied or changed meanwhile: the newer run shows
  const { items } = found;
  page.forYouList.replaceChildren(...items.map((p) => entry(api, p, [reasonNode(p.reason), api.button(p.slug, p.title, false)])));
  page.forYouStatus.textContent = items.length
    ? `${items.length} papers like the ones you saved, most alike first.`
    : "No paper shares enough with the ones you saved yet.";
  page.forYouList.dataset.psReady = "true";
}

/* ---- exports ---- */

function download(name, type, text) {
  const a = el("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function ris(papers) {
  const lines = [];
  for (const p of papers) {
    lines.push(`TY  - ${p.arxiv ? "UNPB" : "GEN"}`);
    const key = /^@\w+\{([^,]+),/.exec(p.bibtex || "");
    if (key) lines.push(`ID  - ${key[1]}`);
    lines.push(`TI  - ${p.title}`);
    for (const name of p.authors || []) lines.push(`AU  - ${name}`);
    if (p.published) {
      lines.push(`PY  - ${p.published.slice(0, 4)}`);
      lines.push(`DA  - ${p.published.replaceAll("-", "/")}`);
    }
    if (p.doi) lines.push(`DO  - ${p.doi}`);
    if (p.link) lines.push(`UR  - ${p.link}`);
    if (p.pdf) lines.push(`L1  - ${p.pdf}`);
    if (p.arxiv) lines.push(`N1  - arXiv:${p.arxiv}`);
    lines.push("ER  - ", "");
  }
  return lines.map((line) => line.replace(/[\r\n]+/g, " ")).join("\n");
}

function listSlug(title) {
  return title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "reading-list";
}

/* A reading list in the format of content/collections/<slug>.yml (title, description, curator,
   papers: [{paper, note?}]); strings as JSON strings, which YAML reads the same. */
function readingList(page, papers) {
  const value = (name) => page.root.querySelector(`[data-ps-list="${name}"]`).value.replace(/\s+/g, " ").trim();
  const title = value("title") || "My reading list";
  const lines = [
    `title: ${JSON.stringify(title)}`,
    `description: ${JSON.stringify(value("description") || "Papers I saved on the shelf.")}`,
    `curator: ${JSON.stringify(value("curator").replace(/^@/, "") || "your-github-login")}`,
    "papers:",
    ...papers.map((p) => `  - paper: ${p.slug}`),
  ];
  return { name: `${listSlug(title)}.yml`, text: `${lines.join("\n")}\n` };
}

const MAX_LINK = 8000; // longer links are refused by some browsers and servers: then the file alone

function updateListLink(page, papers) {
  const link = page.root.querySelector("[data-ps-new-list-link]");
  const target = page.root.dataset.psNewList;
  if (!link || !target) return;
  const list = readingList(page, papers);
  let href = `${target}?filename=${encodeURIComponent(list.name)}&value=${encodeURIComponent(list.text)}`;
  if (href.length > MAX_LINK) href = `${target}?filename=${encodeURIComponent(list.name)}`;
  link.href = href;
  link.hidden = papers.length === 0;
}

async function exportShelf(api, page, kind) {
  const m = await api.meta().catch(() => null);
  const papers = m ? await current(api, m) : saved(api).filter((p) => p.bibtex);
  const byNewest = saved(api).map((p) => p.slug);
  papers.sort((a, b) => byNewest.indexOf(a.slug) - byNewest.indexOf(b.slug));
  if (kind === "bibtex") download("my-shelf.bib", "application/x-bibtex", papers.map((p) => p.bibtex).join("\n"));
  else if (kind === "ris") download("my-shelf.ris", "application/x-research-info-systems", ris(papers));
  else if (kind === "yaml") {
    const list = readingList(page, papers);
    download(list.name, "application/yaml", list.text);
  } else {
    const shelf = api.load().papers;
    const out = byNewest.map((slug) => ({ slug, title: shelf[slug].title || slug, saved: shelf[slug].saved }));
    download("my-shelf.json", "application/json", `${JSON.stringify({ format: SHELF_FILE, version: 1, site: api.base.href, papers: out }, null, 1)}\n`);
  }
}

/* ---- import ---- */

/* The papers of an exported shelf file or reading list, or null for any other file. */
function parseImport(text) {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed.startsWith("{")) {
    let data;
    try {
      data = JSON.parse(trimmed);
    } catch (err) {
      return null;
    }
    if (!data || data.format !== SHELF_FILE || data.version !== 1 || !Array.isArray(data.papers)) return null;
    const papers = data.papers.map((p) => ({ slug: p && p.slug, title: p && typeof p.title === "string" ? p.title : "", saved: p && p.saved }));
    if (!papers.every((p) => typeof p.slug === "string" && SLUG.test(p.slug) && !Number.isNaN(Date.parse(p.saved)))) return null;
    return papers;
  }
  // A reading list: its "papers:" block of "- paper: slug" (or "- slug") lines.
  const lines = trimmed.split(/\r?\n/);
  const at = lines.findIndex((line) => /^papers:\s*$/.test(line));
  if (at < 0 || !lines.some((line) => /^title:\s*\S/.test(line))) return null;
  const papers = [];
  for (const line of lines.slice(at + 1)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const item = /^\s+-\s+(?:paper:\s*)?["']?([^"'\s#]+)["']?\s*(?:#.*)?$/.exec(line);
    if (item && SLUG.test(item[1])) papers.push({ slug: item[1], title: "", saved: new Date().toISOString() });
    else if (/^\s+note:/.test(line)) continue;
    else if (/^\S/.test(line)) break;
    else return null;
  }
  return papers.length ? papers : null;
}

async function importFile(api, page, file) {
  const status = page.importStatus;
  const refuse = () => {
    status.textContent = `${file.name} is not a shelf file or reading list exported from My shelf: nothing was imported.`;
  };
  let text;
  try {
    text = await file.text();
  } catch (err) {
    return refuse();
  }
  const papers = parseImport(text);
  if (!papers) return refuse();
  status.textContent = `Importing ${papers.length} papers…`;
  const before = api.load().papers;
  const fresh = papers.filter((p) => !before[p.slug]);
  const found = await Promise.all(fresh.map((p) => api.record(p.slug).then((r) => r && api.details(p.slug, r)).catch(() => null)));
  const shelf = api.load();
  let added = 0;
  let missing = 0;
  fresh.forEach((p, i) => {
    if (!found[i]) missing += 1;
    else if (!shelf.papers[p.slug]) {
      shelf.papers[p.slug] = { ...found[i], saved: p.saved };
      added += 1;
    }
  });
  if (added) api.store(shelf);
  const parts = [`Imported ${added} ${added === 1 ? "paper" : "papers"}`];
  if (papers.length - fresh.length) parts.push(`${papers.length - fresh.length} already on your shelf`);
  if (missing) parts.push(`${missing} not on this site`);
  status.textContent = `${parts.join("; ")}.`;
}

/* ---- the pages ---- */

function shelfPage(api, root, early) {
  const q = (name) => root.querySelector(`[data-ps-${name}]`);
  const page = {
    root,
    status: q("shelf-status"),
    list: q("shelf-list"),
    filter: q("shelf-filter"),
    tools: q("shelf-tools"),
    exports: q("shelf-export"),
    forYou: q("foryou"),
    forYouStatus: q("foryou-status"),
    forYouList: q("foryou-list"),
    importStatus: q("import-status"),
  };
  q("shelf").hidden = false;
  let timer = 0;
  const recommend = (ranking) => forYou(api, page, ranking).catch(() => {
    page.forYouStatus.textContent = "Recommendations are not available: the site's data could not be loaded.";
  });
  const update = () => {
    showList(api, page);
    updateListLink(page, saved(api));
    clearTimeout(timer);
    timer = setTimeout(() => recommend(null), 50); // a burst of changes (an import) ranks once
  };
  page.filter.addEventListener("input", () => showList(api, page));
  for (const b of root.querySelectorAll("[data-ps-export]")) b.addEventListener("click", () => exportShelf(api, page, b.dataset.psExport));
  for (const input of root.querySelectorAll("[data-ps-list]")) input.addEventListener("input", () => updateListLink(page, saved(api)));
  const picker = q("import");
  picker.addEventListener("change", () => {
    if (picker.files && picker.files[0]) importFile(api, page, picker.files[0]).finally(() => { picker.value = ""; });
  });
  document.addEventListener("papershelf:shelf", update);
  showList(api, page);
  updateListLink(page, saved(api));
  recommend(early);
  // Papers saved before their record could be read are completed now.
  for (const p of saved(api)) if (!p.bibtex) api.fill(p.slug).catch(() => {});
}

async function authorPage(api, root) {
  const name = new URLSearchParams(location.search).get("name");
  const status = root.querySelector("[data-ps-author-status]");
  const list = root.querySelector("[data-ps-author-list]");
  if (!name) {
    status.textContent = "Choose an author on a paper's page to see their papers here.";
    return;
  }
  root.querySelector("[data-ps-author-heading]").textContent = `Papers by ${name}`;
  document.title = `Papers by ${name} - ${document.title.split(" - ").pop()}`;
  status.textContent = "Loading…";
  const more = el("button", "md-button ps-shelf__more", "More papers");
  more.type = "button";
  more.hidden = true;
  list.after(more);
  try {
    const m = await api.meta();
    const ids = (await api.shard(m, `a${api.bucketOf(name, m.authors)}.bin`))[name] || [];
    let shown = 0;
    const showNext = async () => {
      const batch = ids.slice(shown, shown + AUTHOR_PAGE);
      const papers = await Promise.all(batch.map(async (id) => (await api.shard(m, `r${Math.floor(id / m.slots)}.bin`))[id % m.slots]));
      list.append(...papers.map((p) => entry(api, p, [api.button(p.slug, p.title, false)])));
      shown += batch.length;
      more.hidden = shown >= ids.length;
      if (ids.length === 0) status.textContent = `No paper on this site lists ${name} as an author.`;
      else if (ids.length === 1) status.textContent = "1 paper.";
      else status.textContent = `${ids.length} papers, newest first${shown < ids.length ? `; ${shown} shown` : ""}.`;
    };
    more.addEventListener("click", () => showNext().catch(() => { status.textContent = "More papers could not be loaded."; }));
    await showNext();
    list.dataset.psReady = "true";
  } catch (err) {
    status.textContent = "The author's papers could not be loaded.";
  }
}

export function start(api) {
  const shelf = document.querySelector("[data-ps-shelf-page]");
  if (shelf) {
    const early = recommendations(api); // its fetches first: they are the page's longest wait
    early.catch(() => {});
    shelfPage(api, shelf, early);
  }
  const author = document.querySelector("[data-ps-author-page]");
  if (author) authorPage(api, author);
}
