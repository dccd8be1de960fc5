/* Typeset the TeX that pages mark as math (class "arithmatex", with \( \) or \[ \] delimiters)
   using the KaTeX copy shipped with the site. Loaded only on pages that contain math.
   The page only preloads KaTeX's stylesheet (so that it does not delay the first paint): it is
   applied here, and the math is typeset once it and the main fonts have loaded, so that the text
   moves once, not again as each piece arrives. */
(function () {
  "use strict";

  var script = document.currentScript;
  var cssHref = script && script.getAttribute("data-ps-katex-css");

  /* Typeset in slices of at most SLICE_MS, yielding to the browser in between, so that a page
     with much math never blocks input for long (each formula takes a few milliseconds). */
  var SLICE_MS = 45;  /* under the 50 ms that makes a task long */

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

  function withStyles(done) {
    if (!cssHref) { done(); return; }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = cssHref;
    link.onload = function () {
      /* The two fonts nearly every formula uses: typesetting once they are here moves the text
         once, not again when each font arrives. */
      if (!document.fonts || !document.fonts.load) { done(); return; }
      Promise.all([document.fonts.load("1em KaTeX_Main"), document.fonts.load("italic 1em KaTeX_Math")])
        .then(done, done);
    };
    link.onerror = function () { done(); };  /* without styles, typeset all the same */
    document.head.appendChild(link);
  }

  function start() { withStyles(function () { typeset(document); }); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
