/* "Show discussion" on a paper's page (generator/site/discussion.py): nothing of giscus or
   GitHub is requested until the reader presses the button. The page names this script only when
   site_config.yml sets `discussion:`. The button is hidden until this script runs, so a reader
   without scripts sees the link to the repository's discussions instead of a dead button. */
(function () {
  "use strict";

  var button = document.querySelector(".ps-discussion-show");
  if (!button) return;
  var frame = document.getElementById(button.getAttribute("aria-controls"));
  var status = button.parentNode.querySelector(".ps-discussion-status");
  button.hidden = false;

  button.addEventListener("click", function () {
    if (button.getAttribute("aria-expanded") === "true") return;
    var d = button.dataset;
    var script = document.createElement("script");
    script.src = d.client;
    script.async = true;
    script.crossOrigin = "anonymous";
    var settings = {
      "repo": d.repo, "repo-id": d.repoId, "category": d.category, "category-id": d.categoryId,
      "mapping": "specific", "term": d.term, "strict": "1", "reactions-enabled": "1",
      "emit-metadata": "0", "input-position": "top", "lang": "en", "loading": "eager",
      "theme": document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light"
    };
    Object.keys(settings).forEach(function (key) { script.setAttribute("data-" + key, settings[key]); });
    frame.hidden = false;
    status.textContent = "Loading the discussion…";
    script.addEventListener("load", function () { status.textContent = "The discussion is shown below."; });
    script.addEventListener("error", function () {
      status.textContent = "The discussion could not be loaded. It is also on GitHub (the link above).";
    });
    button.setAttribute("aria-expanded", "true");
    button.hidden = true;
    frame.parentNode.appendChild(script);
    frame.focus();
  });
})();
