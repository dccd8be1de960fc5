/* Typeset the TeX that pages mark as math (class "arithmatex", with \( \) or \[ \] delimiters)
   using the KaTeX copy shipped with the site. Loaded only on pages that contain math. */
(function () {
  "use strict";

  function typeset(root) {
    if (typeof katex === "undefined") return;
    root.querySelectorAll(".arithmatex").forEach(function (el) {
      if (el.dataset.typeset) return;
      var tex = el.textContent.trim();
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
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { typeset(document); });
  } else {
    typeset(document);
  }
})();
