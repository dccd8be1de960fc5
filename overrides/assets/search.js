/*
 * Search in the header, answered by the Pagefind index that the build writes to /pagefind/.
 *
 * Why this shape:
 * - The search engine (about 200 KB: script, WebAssembly, the index's table of contents) loads
 *   when the browser is idle after the page, or at once when the search is opened, so the first
 *   query rarely waits for it; then only the index pieces a query needs are fetched, so a query
 *   costs the same at 100 or 10,000 papers.
 * - Every value from the index (titles, topics, dates, excerpts) comes from contributor text,
 *   so it is inserted with textContent; the only markup kept is the <mark> that highlights
 *   the matched words, rebuilt here as elements rather than parsed as HTML.
 * - A newer query always wins: answers to older keystrokes are dropped, never shown late, and
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

  const root = document.querySelector("[data-ps-search]");
  const toggle = document.getElementById("__search");
  if (!root || !toggle) return;

  const input = root.querySelector("[data-ps-search-input]");
  const list = root.querySelector("[data-ps-search-results]");
  const meta = root.querySelector("[data-ps-search-meta]");
  const more = root.querySelector("[data-ps-search-more]");
  const filterBar = root.querySelector("[data-ps-search-filters]");
  const selects = Array.from(root.querySelectorAll("select[data-ps-filter]"));
  const form = root.querySelector("form");

  const PAGE_SIZE = 10;
  const DEBOUNCE_MS = 20; // coalesces fast typing; a newer query always wins anyway
  const MIN_QUERY = 2; // characters: one letter matches nearly every paper
  const base = new URL((root.dataset.psBase || ".").replace(/\/?$/, "/"), document.baseURI);

  let engine = null; // the Pagefind module, once loaded
  let loading = null; // the promise that loads it
  let generation = 0; // incremented per query; stale answers compare unequal and are dropped
  let current = []; // the current query's results (unloaded)
  let shown = 0;
  let timer = 0;
  let inflight = null; // the search running now; the next one waits for it

  function loadEngine() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", base).href).then(async (pf) => {
        await pf.options({ baseUrl: base.pathname, excerptLength: 24 });
        await pf.init();
        engine = pf;
        return pf;
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

  /* Pagefind excerpts are text with <mark> around matches (and the text itself escaped as
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

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "md-search-result__item";
    const link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = data.url;
    link.tabIndex = -1;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const title = document.createElement("h1");
    title.textContent = decode((data.meta && data.meta.title) || data.url);
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
      more.hidden = true;
      meta.textContent = describe(0, query);
      return;
    }
    const pf = engine || (await loadEngine());
    while (inflight) {
      await inflight.catch(() => {});
      if (gen !== generation) return; // a newer query is waiting too: only it runs
    }
    if (gen !== generation) return;
    inflight = pf.search(query || null, { filters });
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
    if (current.length === 0) {
      list.replaceChildren();
      meta.textContent = summary;
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
          meta.textContent = summary;
        } else list.append(item);
        shown += 1;
      }
    };
    await fetchAndShow(batch[0], 0); // alone, so nothing queues ahead of the best match
    if (gen !== generation) return;
    await Promise.all(batch.slice(1).map((r, i) => fetchAndShow(r, i + 1)));
    if (gen !== generation) return;
    more.hidden = shown >= current.length;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
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

  // Warm the engine once the page has settled, so a first query does not pay for it.
  if ("requestIdleCallback" in window) window.requestIdleCallback(() => loadEngine(), { timeout: 3000 });
  else window.addEventListener("load", () => setTimeout(loadEngine, 200));

  toggle.addEventListener("change", () => {
    if (toggle.checked) {
      ensureFilters();
      if (document.activeElement !== input) input.focus();
    }
  });
  input.addEventListener("focus", () => {
    if (!toggle.checked) open();
    ensureFilters();
  });
  input.addEventListener("input", () => {
    // Start fetching the index pieces for what is typed so far while the debounce runs.
    const typed = input.value.trim();
    if (engine && typed.length >= MIN_QUERY) engine.preload(typed);
    schedule();
  });
  for (const select of selects) select.addEventListener("change", () => run());
  more.addEventListener("click", () => showMore(generation));
  form.addEventListener("reset", () => setTimeout(() => {
    for (const select of selects) select.value = "";
    run();
    input.focus();
  }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
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
