/*
 * My shelf, on every page: a "Save to my shelf" button for each paper (its page, listing
 * entries, search results), the reader's saved papers in localStorage, and, on My shelf and the
 * authors' page, the module that fills them (assets/shelf-page.js).
 *
 * Why this shape:
 * - Nothing goes into a page for the button: the script makes it, from the paper's link that
 *   the page already holds (papers/<slug>/), so a page carries no extra byte per paper, and
 *   without scripts there is no button that could not work.
 * - The shelf is the reader's, in this browser only: nothing is sent anywhere. A save is kept at
 *   once (slug, title, date saved); what the shelf shows and exports is then read from the small
 *   file its slug hashes to (its record, with its top terms and nearest papers for "For you":
 *   assets/shelf/r<k>.bin, written by generator/shelf/data.py) and from the paper's page (every
 *   author, and the BibTeX entry, the same as papers.bib's).
 * - Contributor text (titles) is only ever set as textContent.
 */
(() => {
  "use strict";

  // My shelf and the authors' page load this script once more, early (generator/site/shelf.py),
  // so that their data is fetched while the theme's scripts run: it starts only once.
  if (window.papershelfShelfStarted) return;
  window.papershelfShelfStarted = true;

  const FORMAT = 1; // of the shelf kept in localStorage
  const DATA_FORMAT = 2; // of assets/shelf/meta.json (generator/shelf/data.py FORMAT)
  const PAPERS = "papers/"; // routes.PAPERS_DIR: a paper's page is papers/<slug>/
  const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  const holder = document.querySelector("[data-ps-base]");
  const base = new URL(((holder && holder.dataset.psBase) || ".").replace(/\/?$/, "/"), document.baseURI);
  const KEY = `papershelf:shelf:${base.pathname}`; // one shelf per site, even two on one host
  const ICON = {
    off: "M17 18l-5-2.18L7 18V5h10m0-2H7a2 2 0 0 0-2 2v16l7-3 7 3V5a2 2 0 0 0-2-2z",
    on: "M17 3H7a2 2 0 0 0-2 2v16l7-3 7 3V5a2 2 0 0 0-2-2z",
  };

  function load() {
    try {
      const shelf = JSON.parse(localStorage.getItem(KEY) || "null");
      if (shelf && shelf.format === FORMAT && shelf.papers && typeof shelf.papers === "object") return shelf;
    } catch (err) {
      /* unreadable: an empty shelf, and the next save writes a good one */
    }
    return { format: FORMAT, papers: {} };
  }

  function store(shelf) {
    localStorage.setItem(KEY, JSON.stringify(shelf));
    refresh();
  }

  /* The slug of a link to a paper's page, or null. */
  function slugOf(href) {
    const url = new URL(href, document.baseURI);
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname + PAPERS)) return null;
    const slug = url.pathname.slice(base.pathname.length + PAPERS.length).replace(/\/(index\.html)?$/, "");
    return SLUG.test(slug) ? slug : null;
  }

  /* ---- the shard files (generator/shelf/data.py) ---- */

  let metaLoading = null;
  function meta() {
    if (!metaLoading) {
      metaLoading = fetch(new URL("assets/shelf/meta.json", base).href)
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then((m) => (m.format === DATA_FORMAT ? m : Promise.reject(new Error(`format ${m.format}`))));
      metaLoading.catch(() => { metaLoading = null; });
    }
    return metaLoading;
  }

  const files = new Map();
  function shard(m, name) {
    const url = new URL(`assets/shelf/${name}?v=${m.version}`, base).href;
    if (!files.has(url)) {
      const loading = fetch(url).then(async (r) => {
        if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
        return JSON.parse(await new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).text());
      });
      loading.catch(() => files.delete(url));
      files.set(url, loading);
    }
    return files.get(url);
  }

  const encoder = new TextEncoder();
  /* 32-bit FNV-1a of the UTF-8 bytes, modulo n: generator/search/typos.bucket. */
  function bucketOf(key, n) {
    let h = 0x811c9dc5;
    for (const byte of encoder.encode(key)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    return h % n;
  }

  /* A paper's record in this build (what lists show, its top terms and nearest papers), with its
     number (id) and the build's version (v). */
  async function record(slug) {
    const m = await meta();
    const k = bucketOf(slug, m.records);
    const rows = await shard(m, `r${k}.bin`);
    const at = rows.findIndex((r) => r.slug === slug);
    return at < 0 ? null : { ...rows[at], id: k * m.slots + at, v: m.version, slots: m.slots };
  }

  /* For you's papers: the saved papers' nearest papers (their records' "near": number, score,
     and a bit mask of the saved paper's terms the other holds), scores summed, the saved ones
     left out; the strongest FOR_YOU as [number, score, Map(term -> summed weight)]. Here, not in
     shelf-page.js, so that My shelf fetches their records while the theme's scripts run. */
  const FOR_YOU = 20; // papers For you shows
  const FOR_YOU_KEY = `papershelf:foryou:${base.pathname}`; // the list last made, for a build and a shelf
  function shelfKey(papers) {
    return papers.map((p) => p.slug).sort().join(" ");
  }
  function nearest(papers) {
    const own = new Set(papers.map((p) => p.id));
    const scores = new Map();
    for (const p of papers) {
      const near = p.near || [];
      const terms = p.terms || [];
      for (let i = 0; i + 2 < near.length; i += 3) {
        const id = near[i];
        if (own.has(id)) continue;
        const known = scores.get(id) || [id, 0, new Map()];
        known[1] += near[i + 1];
        terms.forEach(([term, weight], bit) => {
          if (near[i + 2] & (1 << bit)) known[2].set(term, (known[2].get(term) || 0) + weight);
        });
        scores.set(id, known);
      }
    }
    return [...scores.values()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, FOR_YOU);
  }

  /* On My shelf, before anything else: the records For you will show, if the saved papers were
     all read from one build and no list is kept for it. Usually that build is the site's; on
     the first visit after a rebuild it is not, the saved papers are read again (shelf-page.js
     current) and these fetches go unused: the price of not waiting for meta.json, whose answer
     the page could only read after the theme's scripts have run. */
  function prefetchForYou() {
    const papers = Object.values(load().papers);
    const [v, slots] = papers.length ? [papers[0].v, papers[0].slots] : [];
    if (!v || !papers.every((p) => p.near && p.v === v && p.slots === slots)) return;
    let kept = null;
    try {
      kept = JSON.parse(localStorage.getItem(FOR_YOU_KEY) || "null");
    } catch (err) {
      kept = null;
    }
    if (kept && kept.version === v && kept.shelf === shelfKey(papers)) return; // the list is kept
    for (const [id] of nearest(papers)) shard({ version: v }, `r${Math.floor(id / slots)}.bin`).catch(() => {});
  }

  /* What the shelf keeps besides its record: every author and its BibTeX entry, from the
     paper's own page (the page shows both; papers.bib has the same entry). */
  async function details(slug, found) {
    const response = await fetch(new URL(`${PAPERS}${slug}/`, base).href);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const bibtex = doc.querySelector("article.ps-paper .ps-bibtex code");
    const authors = Array.from(doc.querySelectorAll("article.ps-paper .ps-authors a"), (a) => a.textContent);
    return { ...found, authors: authors.length ? authors : found.authors, bibtex: bibtex ? bibtex.textContent : "" };
  }

  /* Complete a saved paper (kept as it is if its files cannot be read now). */
  async function fill(slug) {
    const found = await record(slug);
    const full = found && (await details(slug, found));
    const shelf = load();
    if (full && shelf.papers[slug]) {
      shelf.papers[slug] = { ...full, saved: shelf.papers[slug].saved };
      store(shelf);
    }
    return full;
  }

  function save(slug, title) {
    const shelf = load();
    shelf.papers[slug] = { slug, title, saved: new Date().toISOString() };
    store(shelf);
    fill(slug).catch(() => {});
  }

  function remove(slug) {
    const shelf = load();
    delete shelf.papers[slug];
    store(shelf);
  }

  /* ---- the button ---- */

  function svg(path) {
    const ns = "http://www.w3.org/2000/svg";
    const icon = document.createElementNS(ns, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("focusable", "false");
    const shape = document.createElementNS(ns, "path");
    shape.setAttribute("d", path);
    icon.append(shape);
    return icon;
  }

  function paint(button, saved) {
    const name = saved ? "Remove from my shelf" : "Save to my shelf";
    button.setAttribute("aria-pressed", String(saved));
    const label = document.createElement("span");
    label.className = button.classList.contains("ps-save--icon") ? "ps-sr-only" : "ps-save__label";
    label.textContent = name;
    button.replaceChildren(svg(saved ? ICON.on : ICON.off), label);
    button.title = name;
  }

  /* A save button for `slug`; `compact`: the icon only (its name stays in the text). */
  function button(slug, title, compact) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = compact ? "ps-save ps-save--icon" : "ps-save";
    b.dataset.psSave = slug;
    b.dataset.psTitle = title;
    paint(b, Boolean(load().papers[slug]));
    b.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      if (load().papers[slug]) remove(slug);
      else save(slug, title);
    });
    return b;
  }

  function refresh() {
    const papers = load().papers;
    for (const b of document.querySelectorAll("button[data-ps-save]")) {
      const saved = Boolean(papers[b.dataset.psSave]);
      if (b.getAttribute("aria-pressed") !== String(saved)) paint(b, saved);
    }
    document.dispatchEvent(new CustomEvent("papershelf:shelf"));
  }

  /* A search result (assets/search.js calls this for each item it makes). */
  function decorate(item, url, title) {
    const slug = slugOf(url);
    if (slug && !item.querySelector("button[data-ps-save]")) item.append(button(slug, title, true));
  }

  function decoratePage() {
    const paper = document.querySelector("article.ps-paper");
    const slug = paper && slugOf(location.href);
    const meta = paper && paper.querySelector(".ps-meta");
    if (slug && meta) {
      const title = paper.querySelector("h1");
      meta.append(" ", button(slug, title ? title.textContent.trim() : slug, false));
    }
    for (const link of document.querySelectorAll(".ps-item > a.ps-item-title")) {
      const found = slugOf(link.href);
      if (found) link.after(button(found, link.textContent.trim(), true));
    }
  }

  let storage = true;
  try {
    localStorage.getItem(KEY);
  } catch (err) {
    storage = false; // storage refused (a privacy setting): no button that could not keep a save
  }
  if (!storage) return;

  const api = { base, load, store, save, remove, fill, record, details, meta, shard, bucketOf, nearest, FOR_YOU_KEY, shelfKey, button, slugOf, refresh };
  window.papershelfShelf = { decorate };
  decoratePage();
  window.addEventListener("storage", (event) => { if (event.key === KEY) refresh(); });
  if (document.querySelector("[data-ps-shelf-page]")) prefetchForYou();
  if (document.querySelector("[data-ps-shelf-page], [data-ps-author-page]")) {
    meta().catch(() => {}); // fetched while the page's module loads
    import(new URL("assets/shelf-page.js", base).href).then((page) => page.start(api));
  }
})();
