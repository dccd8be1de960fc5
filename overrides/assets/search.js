/*
 * Search in the header, answered by the index that the build writes to assets/search-index/
 * (the engine is assets/search-engine.js, the index generator/search/index.py).
 *
 * Why this shape:
 * - The search engine (its script and the index's table of contents) loads on the first sign
 *   that the reader means to search: the pointer over the box or the search button, focus, a
 *   touch, or the shortcut key. A reader who never searches downloads none of it. Then only the
 *   index pieces a query needs are fetched, so a query costs the same at 100 or 50,000 papers.
 * - Typos: when the engine names a typed word that matches nothing, the corrector
 *   (assets/search-corrections.js, a module of its own) is loaded and looks it up in the
 *   vocabulary files the build writes (generator/search/typos.py); the results say what was
 *   searched. A reader who spells every word right downloads neither. A query whose words are
 *   all known is answered exactly as before.
 * - Every value from the index (titles, topics, dates, excerpts) comes from contributor text,
 *   so it is inserted with textContent; the only markup kept is the <mark> that highlights
 *   the matched words, rebuilt here as elements rather than parsed as HTML.
 * - A query runs once typing pauses: longer than this reader's usual gap between keys (twice the
 *   mean of their last few gaps, PAUSE_MS at least and at most); a query that arrives whole
 *   (pasted, or set at once) runs at once. Every run
 *   fetches the papers files of the results it shows, ten files or so, which is most of what a
 *   search downloads; a run for each key of a word ("c", "ch", "cha", ...) fetched the papers
 *   of every prefix, five times what the whole query needs at 50,000 papers. While the reader
 *   types, only the terms of the words already finished (a space after them) are fetched:
 *   a word being typed narrows to other files with every key.
 *   A newer query always wins: answers to older keystrokes are dropped, never shown late, and
 *   only one search runs at a time: while it runs, keystrokes only decide what runs next, so
 *   typing never piles up searches that each cost as much as the last (a prefix like "di" is
 *   in most papers). A single letter is not searched at all, for the same reason.
 * - The filter menus are filled from a small file the build writes (search-filters.json),
 *   not from the engine: once the engine has loaded its filter data, every search also counts
 *   the filter values of all its results, which at 10,000 papers doubles the time of a query.
 * - The first result's details are fetched alone, then the next ones, so it is shown sooner.
 */
(() => {
  "use strict";

  /* The box is the same on every page, so a page carries only its placeholder
     (partials/papershelf-search.html) and the box is made here, from this constant markup:
     nothing from the page goes into it. Its icons are drawn by the stylesheet from the shared
     icon files (assets/papershelf.css), like the header's; the back arrow takes the
     magnifier's place on a narrow screen, where the open box covers the page (papershelf.css). */
  const BOX = `<label class="md-search__overlay" for="__search"></label>
<div class="md-search__inner" role="search">
<form class="md-search__form" action="javascript:void(0)" autocomplete="off">
<input type="text" class="md-search__input ps-search__input" name="q" aria-label="Search papers" placeholder="Search papers" autocapitalize="off" autocorrect="off" autocomplete="off" spellcheck="false" enterkeyhint="search" data-ps-search-input>
<label class="md-search__icon md-icon" for="__search"><span class="ps-c ps-c-search"></span><span class="ps-c ps-c-arrow-left"></span></label>
<nav class="md-search__options" aria-label="Search options">
<button type="reset" class="md-search__icon md-icon ps-c ps-c-close" title="Clear" aria-label="Clear" tabindex="-1"></button>
</nav>
</form>
<div class="md-search__output" data-ps-search-output>
<div class="md-search__scrollwrap" tabindex="0">
<div class="ps-search__filters" data-ps-search-filters hidden>
<label>Topic <select data-ps-filter="topic" aria-label="Filter by topic"><option value="">All topics</option></select></label>
<label>Year <select data-ps-filter="year" aria-label="Filter by year"><option value="">All years</option></select></label>
</div>
<div class="md-search-result" aria-live="polite">
<div class="ps-search__corrected" data-ps-search-corrected hidden></div>
<div class="md-search-result__meta" data-ps-search-meta>Type to search titles, authors and abstracts</div>
<ol class="md-search-result__list" data-ps-search-results></ol>
<button type="button" class="md-button ps-search__more" data-ps-search-more hidden>More results</button>
</div>
</div>
</div>
</div>`;
  const root = document.querySelector("[data-ps-search]");
  if (root && !root.firstElementChild) root.innerHTML = BOX;
  const toggle = document.getElementById("__search");
  if (!root || !toggle) return;

  const input = root.querySelector("[data-ps-search-input]");
  const list = root.querySelector("[data-ps-search-results]");
  const meta = root.querySelector("[data-ps-search-meta]");
  const more = root.querySelector("[data-ps-search-more]");
  const correctedLine = root.querySelector("[data-ps-search-corrected]");
  const filterBar = root.querySelector("[data-ps-search-filters]");
  const selects = Array.from(root.querySelectorAll("select[data-ps-filter]"));
  const form = root.querySelector("form");

  const PAGE_SIZE = 10;
  const PAUSE_MS = [200, 600]; // a query runs once typing pauses this long, or longer for a slow typist
  const GAPS = 8; // the last gaps between keys that tell the reader's pace
  const MIN_QUERY = 2; // characters: one letter matches nearly every paper
  const base = new URL((root.dataset.psBase || ".").replace(/\/?$/, "/"), document.baseURI);

  let engine = null; // the engine module (search-engine.js), once loaded
  let loading = null; // the promise that loads it
  let generation = 0; // incremented per query; stale answers compare unequal and are dropped
  let current = []; // the current query's results (unloaded)
  let shown = 0;
  let timer = 0;
  let inflight = null; // the search running now; the next one waits for it

  function loadEngine() {
    if (!loading) {
      loading = import(new URL("assets/search-engine.js", base).href).then(async (loaded) => {
        await loaded.options({ baseUrl: base.pathname, excerptLength: 24 });
        await loaded.init();
        engine = loaded;
        return loaded;
      });
      loading.catch(() => {
        meta.textContent = "Search is not available: the search index could not be loaded.";
      });
    }
    return loading;
  }

  let filtersFilled = null;
  function ensureFilters() {
    if (!filtersFilled) filtersFilled = fillFilters().catch(() => {});
    return filtersFilled;
  }

  async function fillFilters() {
    const response = await fetch(new URL("assets/search-filters.json", base).href);
    if (!response.ok) throw new Error(`search filters: HTTP ${response.status}`);
    const available = await response.json();
    for (const select of selects) {
      const values = available[select.dataset.psFilter] || {};
      const names = Object.keys(values);
      if (select.dataset.psFilter === "year") names.sort((a, b) => b.localeCompare(a));
      else names.sort((a, b) => a.localeCompare(b));
      for (const name of names) {
        const option = document.createElement("option");
        option.value = name;
        option.textContent = `${name} (${values[name]})`;
        select.append(option);
      }
    }
    for (const select of selects) select.closest("label").hidden = select.options.length <= 1;
    filterBar.hidden = selects.every((s) => s.options.length <= 1);
  }

  function activeFilters() {
    const filters = {};
    for (const select of selects) {
      if (select.value) filters[select.dataset.psFilter] = [select.value];
    }
    return filters;
  }

  /* The engine's excerpts are text with <mark> around matches (and the text itself escaped as
     entities). Only the marks become elements; everything else is decoded into plain text. */
  const decoder = document.createElement("textarea");
  function decode(text) {
    decoder.innerHTML = text;
    return decoder.value;
  }
  function excerptNode(excerpt) {
    const p = document.createElement("p");
    p.className = "ps-search__excerpt";
    const parts = String(excerpt || "").split(/(<mark>|<\/mark>)/);
    let mark = null;
    for (const part of parts) {
      if (part === "<mark>") {
        mark = document.createElement("mark");
      } else if (part === "</mark>") {
        if (mark) p.append(mark);
        mark = null;
      } else if (part) {
        (mark || p).append(document.createTextNode(decode(part)));
      }
    }
    if (mark) p.append(mark);
    return p;
  }

  /* The index keeps the ISO date; show it the way the pages do ("July 8, 2025"). */
  const dateFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  function humanDate(iso) {
    const parsed = new Date(`${iso}T00:00:00Z`);
    return Number.isNaN(parsed.getTime()) ? String(iso) : dateFormat.format(parsed);
  }

  /* Math in a title ($O(n^2)$) is typeset by the KaTeX copy the site ships, loaded only when a
     result has some. The TeX is given to KaTeX as text, never as HTML. */
  let katexLoading = null;
  function loadKatex() {
    if (!katexLoading) {
      katexLoading = new Promise((resolve, reject) => {
        const href = new URL("assets/vendor/katex/katex.min.css", base).href;
        if (!Array.from(document.styleSheets).some((sheet) => sheet.href === href)) {
          const css = document.createElement("link"); // pages with math link it already
          css.rel = "stylesheet";
          css.href = href;
          document.head.append(css);
        }
        if (typeof katex !== "undefined") return resolve();
        const script = document.createElement("script");
        script.src = new URL("assets/vendor/katex/katex.min.js", base).href;
        script.onload = () => resolve();
        script.onerror = reject;
        document.head.append(script);
      });
    }
    return katexLoading;
  }
  function titleNode(text) {
    const title = document.createElement("h1");
    const parts = text.split(/\$([^$]+)\$/);
    for (let i = 0; i < parts.length; i += 1) {
      if (i % 2 === 0) {
        if (parts[i]) title.append(document.createTextNode(parts[i]));
        continue;
      }
      const math = document.createElement("span");
      math.className = "ps-search__math";
      math.textContent = `$${parts[i]}$`; // shown as written until KaTeX is here
      title.append(math);
      loadKatex().then(() => {
        katex.render(parts[i], math, { throwOnError: false });
      }).catch(() => {});
    }
    return title;
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "md-search-result__item";
    const link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = data.url;
    link.tabIndex = -1;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const title = titleNode(decode((data.meta && data.meta.title) || data.url));
    const details = document.createElement("p");
    details.className = "ps-search__details";
    if (data.meta && data.meta.date) {
      const date = document.createElement("span");
      date.className = "ps-search__date";
      date.textContent = humanDate(data.meta.date);
      details.append(date);
    }
    for (const topic of (data.filters && data.filters.topic) || []) {
      const chip = document.createElement("span");
      chip.className = "ps-search__topic";
      chip.textContent = topic;
      details.append(chip);
    }
    article.append(title, details, excerptNode(data.excerpt));
    link.append(article);
    item.append(link);
    // My shelf's save button (assets/shelf.js), beside the link: a button inside it would not work.
    if (window.papershelfShelf) window.papershelfShelf.decorate(item, data.url, title.textContent);
    return item;
  }

  async function showMore(gen) {
    const batch = current.slice(shown, shown + PAGE_SIZE);
    shown += batch.length;
    const data = await Promise.all(batch.map((r) => r.data()));
    if (gen !== generation) return;
    for (const d of data) list.append(resultItem(d));
    more.hidden = shown >= current.length;
  }

  /* ---- typo tolerance, in its own module (assets/search-corrections.js): fetched only when
     a typed word is not in the index, so a reader who spells well never downloads it. ---- */

  let corrector = null; // the promise of the corrections module
  function loadCorrector() {
    if (!corrector) {
      corrector = import(new URL("assets/search-corrections.js", base).href);
      corrector.catch(() => {
        corrector = null; // a failed fetch may be tried again
      });
    }
    return corrector;
  }

  /* The answer to show for `query`: corrected when a word of it is unknown and the correction
     finds something, else as typed. Of several equally near corrections, the one whose best
     match scores highest wins: the engine scores a page that holds all the words of the query,
     rare ones especially, above one that holds a common word many times. */
  async function answerFor(searcher, query, filters, gen) {
    const plain = await searcher.search(query || null, { filters });
    if (!plain || !plain.unknown || plain.unknown.length === 0 || gen !== generation) {
      return plain && { results: plain.results, corrected: null };
    }
    let fixes = [];
    try {
      const { corrections } = await loadCorrector();
      fixes = await corrections(query, { base, known: searcher.known, words: searcher.tokens, suspect: plain.unknown });
    } catch {
      fixes = []; // without the vocabulary, the query is answered as typed
    }
    let best = null;
    for (const fix of fixes) {
      if (gen !== generation) return null;
      const answer = await searcher.search(fix, { filters });
      if (gen !== generation) return null;
      if (!answer || answer.results.length === 0) continue;
      const score = answer.results[0].score;
      const top = Number.isFinite(score) ? score : -Infinity; // only compared, never a threshold
      if (!best || top > best.top) best = { results: answer.results, corrected: fix, top };
    }
    return best || { results: plain.results, corrected: null };
  }

  function describe(count, query) {
    if (!query) return "Type to search titles, authors and abstracts";
    if (query.length < MIN_QUERY) return "Keep typing: at least two characters";
    if (count === 0) return "No matching papers";
    return count === 1 ? "1 matching paper" : `${count} matching papers`;
  }

  async function run() {
    const gen = ++generation;
    const query = input.value.trim();
    const filters = activeFilters();
    const noFilter = Object.keys(filters).length === 0;
    if ((!query && noFilter) || (query && query.length < MIN_QUERY)) {
      list.replaceChildren();
      correctedLine.hidden = true;
      more.hidden = true;
      meta.textContent = describe(0, query);
      return;
    }
    const searcher = engine || (await loadEngine());
    while (inflight) {
      await inflight.catch(() => {});
      if (gen !== generation) return; // a newer query is waiting too: only it runs
    }
    if (gen !== generation) return;
    inflight = answerFor(searcher, query, filters, gen);
    let answer;
    try {
      answer = await inflight;
    } finally {
      inflight = null;
    }
    if (gen !== generation || !answer) return;
    current = answer.results;
    shown = 0;
    more.hidden = true;
    const summary = describe(current.length, query || "filter");
    const showCorrection = () => {
      correctedLine.hidden = !answer.corrected;
      const searched = document.createElement("em");
      searched.textContent = answer.corrected || "";
      correctedLine.replaceChildren(...(answer.corrected ? ["Showing results for ", searched] : []));
    };
    if (current.length === 0) {
      list.replaceChildren();
      meta.textContent = summary;
      showCorrection();
      return;
    }
    // Each result's details are a small file of their own; show them in rank order as they
    // arrive instead of waiting for the slowest, so the best match appears first and soonest.
    const batch = current.slice(0, PAGE_SIZE);
    const ready = new Array(batch.length);
    const fetchAndShow = async (r, i) => {
      ready[i] = await r.data();
      if (gen !== generation) return;
      while (shown < batch.length && ready[shown]) {
        const item = resultItem(ready[shown]);
        if (shown === 0) {
          list.replaceChildren(item); // the count and the new results change together
          list.dataset.psQuery = query; // which query the list answers (for tests and the benchmark)
          list.dataset.psSearched = answer.corrected || query; // what was searched for it
          meta.textContent = summary;
          showCorrection();
        } else list.append(item);
        shown += 1;
      }
    };
    await fetchAndShow(batch[0], 0); // alone, so nothing queues ahead of the best match
    if (gen !== generation) return;
    await Promise.all(batch.slice(1).map((r, i) => fetchAndShow(r, i + 1)));
    if (gen !== generation) return;
    list.dataset.psComplete = query; // every result of the first page is shown
    more.hidden = shown >= current.length;
  }

  /* How long a pause says the reader has stopped typing: twice their mean gap between keys
     (counting gaps under two seconds; longer ones are the reader stopping). The mean, not the
     median: on a busy machine keys arrive in bursts, two at once and then a long gap, and the
     median of such gaps is the short one, so a pause too short ran a search for a word half typed. */
  const gaps = [];
  let lastKey = -Infinity;
  function pause() {
    const now = performance.now();
    if (now - lastKey < 2000) {
      gaps.push(now - lastKey);
      if (gaps.length > GAPS) gaps.shift();
    }
    lastKey = now;
    const mean = gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0;
    return Math.min(PAUSE_MS[1], Math.max(PAUSE_MS[0], 2 * mean));
  }

  /* A query that arrives whole (pasted, picked from the browser's suggestions, set by a link) runs
     at once: no key follows it, and a pause would only make the reader wait. */
  let lastValue = "";
  function schedule(event) {
    clearTimeout(timer);
    const whole = event?.inputType === "insertFromPaste" || Math.abs(input.value.length - lastValue.length) > 1;
    lastValue = input.value;
    if (whole) lastKey = performance.now();
    timer = setTimeout(run, whole ? 0 : pause());
  }

  function open() {
    if (!toggle.checked) toggle.checked = true;
    toggle.dispatchEvent(new Event("change"));
  }

  function close() {
    toggle.checked = false;
    toggle.dispatchEvent(new Event("change"));
    input.blur();
  }

  function isTyping(target) {
    return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
  }

  // The engine loads on the first sign of a search, not with the page: most readers never search.
  function warm() {
    loadEngine().catch(() => {});
  }
  const intent = ["pointerenter", "focusin", "touchstart"];
  for (const target of [root, ...document.querySelectorAll('label[for="__search"]')]) {
    for (const type of intent) target.addEventListener(type, warm, { once: true, passive: true });
  }

  toggle.addEventListener("change", () => {
    if (toggle.checked) {
      warm();
      ensureFilters();
      if (document.activeElement !== input) input.focus();
    }
  });
  input.addEventListener("focus", () => {
    if (!toggle.checked) open();
    ensureFilters();
  });
  input.addEventListener("input", (event) => {
    // Start fetching the index pieces of the words typed so far while the reader goes on.
    if (engine && input.value.trim().length >= MIN_QUERY) engine.preload(input.value);
    schedule(event);
  });
  for (const select of selects) select.addEventListener("change", () => run());
  more.addEventListener("click", () => showMore(generation));
  form.addEventListener("reset", () => setTimeout(() => {
    for (const select of selects) select.value = "";
    run();
    input.focus();
  }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // Enter within the typing pause: the list still answers an earlier query, so answer this one first.
    if (list.dataset.psComplete !== input.value.trim()) {
      const query = input.value;
      clearTimeout(timer);
      await run();
      if (input.value !== query) return; // the reader typed on meanwhile
    }
    const first = list.querySelector("a");
    if (first) first.click();
  });
  root.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("a")) close();
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (!toggle.checked) {
      // The theme's shortcuts for its search: slash, s or f, when not typing elsewhere.
      if (["/", "s", "f"].includes(event.key) && !isTyping(event.target)) {
        event.preventDefault();
        event.stopPropagation();
        warm();
        open();
        input.focus();
        input.select();
      }
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const links = [input, ...list.querySelectorAll("a")];
      const at = Math.max(0, links.indexOf(document.activeElement));
      const next = (at + (event.key === "ArrowDown" ? 1 : -1) + links.length) % links.length;
      links[next].focus();
      event.preventDefault();
    }
  }, true);
})();
