/* Typeset the TeX that pages mark as math (class "arithmatex", with \( \) or \[ \] delimiters)
   using the KaTeX copy shipped with the site. Loaded only on pages that contain math.
   The page links KaTeX's stylesheet like its own (adding it from here would restyle the whole
   page in one long task); this script fetches KaTeX itself once the page is parsed, so that
   the first paint never waits for it, and typesets once it and the two fonts nearly every
   formula uses have arrived, so that the text moves once, not again as each font lands.
   KaTeX (270 KB of script, a long task to evaluate on a phone) is fetched only once some math
   is on screen or near it: a listing whose only formula is far down the page loads it when the
   reader scrolls there, not with the page. The math shows as Unicode text until then. */
(function () {
  "use strict";

  var script = document.currentScript;
  var jsSrc = script && script.getAttribute("data-ps-katex-js");

  /* Typeset in slices of at most SLICE_MS, yielding to the browser in between, so that a page
     with much math never blocks input for long (each formula takes a few milliseconds on a
     desktop, several times that on a phone: a slice stays under the 50 ms that makes a task
     long on a phone four times slower). */
  var SLICE_MS = 10;

  function typeset(root) {
    if (typeof katex === "undefined") return;
    var pending = Array.prototype.slice.call(root.querySelectorAll(".arithmatex"));
    (function slice() {
      var until = Date.now() + SLICE_MS;
      while (pending.length && Date.now() < until) render(pending.shift());
      if (pending.length) setTimeout(slice, 0);
    })();
  }

  function render(el) {
    if (el.dataset.typeset) return;
    /* Paper pages keep the TeX in data-tex and show Unicode text until now (generator/render.py);
       hand-written pages (pymdownx.arithmatex) show the TeX itself. */
    var tex = (el.getAttribute("data-tex") || el.textContent).trim();
    var display = tex.startsWith("\\[") && tex.endsWith("\\]");
    var inline = tex.startsWith("\\(") && tex.endsWith("\\)");
    if (!display && !inline) return;
    tex = tex.slice(2, -2);
    try {
      katex.render(tex, el, { displayMode: display || el.tagName === "DIV", throwOnError: false });
      el.dataset.typeset = "1";
    } catch (err) {
      /* leave the TeX source visible */
    }
  }

  function withKatex(done) {
    if (typeof katex !== "undefined" || !jsSrc) { done(); return; }
    var tag = document.createElement("script");
    tag.src = jsSrc;
    tag.async = true;
    tag.onload = done;
    tag.onerror = function () { /* no KaTeX: the math stays readable as text */ };
    document.head.appendChild(tag);
  }

  function withFonts(done) {
    if (!document.fonts || !document.fonts.load) { done(); return; }
    Promise.all([document.fonts.load("1em KaTeX_Main"), document.fonts.load("italic 1em KaTeX_Math")])
      .then(done, done);
  }

  function start() {
    /* KaTeX and its fonts are fetched side by side; typesetting waits for both. */
    var left = 2;
    function one() {
      /* not in the task that evaluated KaTeX, which is long enough already */
      if (--left === 0) setTimeout(function () { typeset(document); }, 0);
    }
    withKatex(one);
    withFonts(one);
  }

  var started = false;
  function startOnce() {
    if (started) return;
    started = true;
    start();
  }

  function whenSeen() {
    var math = document.querySelectorAll(".arithmatex");
    if (!math.length) return;
    if (typeof IntersectionObserver === "undefined") { startOnce(); return; }
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        seen.disconnect();
        startOnce();
      }
    }, { rootMargin: "200px 0px" });
    Array.prototype.forEach.call(math, function (el) { seen.observe(el); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", whenSeen);
  } else {
    whenSeen();
  }
})();
