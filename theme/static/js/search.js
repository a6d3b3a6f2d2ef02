// Search page: Pagefind's UI, started with the query from the header form (?q=...).
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI === "undefined") return;
  // A large network's index comes in several bundles (plugins.site_search): merge them all.
  var merged = (element.dataset.merge || "").split(" ").filter(Boolean).map(function (bundle) {
    return { bundlePath: bundle, baseUrl: element.dataset.baseUrl };
  });
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: element.dataset.bundle,
    baseUrl: element.dataset.baseUrl,
    mergeIndex: merged,
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    // The site's own translations of Pagefind's sentences (search.html, from the catalogue).
    translations: JSON.parse(element.dataset.translations || "{}"),
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
