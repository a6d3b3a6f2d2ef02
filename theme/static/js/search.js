// Search page: Pagefind's UI, started from the address, and kept in it.
//
// The query (?q=…, also what the header's search form sends) and every ticked filter
// (?department=…&author=…&kind=…, a name once per value) are written into the address as
// they change, with history.replaceState; opening or reloading that address restores them.
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI === "undefined") return;
  // A large network's index comes in several bundles (plugins.site_search): merge them all.
  var merged = (element.dataset.merge || "").split(" ").filter(Boolean).map(function (bundle) {
    return { bundlePath: bundle, baseUrl: element.dataset.baseUrl };
  });
  // Results appear where they stay (chorus.css hides what would move). Neither wait is for
  // ever: the results area waits for the filters at most WAIT_MS (every page Chorus indexes
  // has some, so they come unless the connection fails), and results stuck as placeholders
  // longer than that (a result's data never arrived) are shown as they are, with the rest.
  var WAIT_MS = 3000;
  element.classList.add("search-awaiting-filters");
  var filtersTimer = window.setTimeout(filtersArrived, WAIT_MS);
  var stalledTimer = null;

  function filtersArrived() {
    window.clearTimeout(filtersTimer);
    element.classList.remove("search-awaiting-filters");
  }

  function watchPlaceholders() {
    if (element.querySelector(".pagefind-ui__filter-panel")) filtersArrived();
    if (!element.querySelector(".pagefind-ui__loading")) {
      window.clearTimeout(stalledTimer);
      stalledTimer = null;
      element.classList.remove("search-stalled");
    } else if (stalledTimer === null && !element.classList.contains("search-stalled")) {
      stalledTimer = window.setTimeout(function () {
        stalledTimer = null;
        element.classList.add("search-stalled");
      }, WAIT_MS);
    }
  }
  new MutationObserver(watchPlaceholders).observe(element, { childList: true, subtree: true });

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

  var params = new URLSearchParams(window.location.search);
  var known = JSON.parse(element.dataset.filters || "[]");
  var filters = {};
  params.forEach(function (value, name) {
    if (known.indexOf(name) !== -1 && value) {
      (filters[name] = filters[name] || []).push(value);
    }
  });
  if (Object.keys(filters).length) ui.triggerFilters(filters);
  var query = params.get("q");
  if (query) ui.triggerSearch(query);

  function remember() {
    var next = new URLSearchParams();
    var input = element.querySelector(".pagefind-ui__search-input");
    if (input && input.value.trim()) next.set("q", input.value.trim());
    element.querySelectorAll("input.pagefind-ui__filter-checkbox:checked").forEach(function (box) {
      next.append(box.name, box.value);
    });
    var search = next.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", url);
    }
  }

  // Pagefind's UI re-renders as it searches: listen on the container, not on its inputs.
  element.addEventListener("input", remember);
  element.addEventListener("change", remember);
  element.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".pagefind-ui__search-clear")) {
      window.setTimeout(remember, 0);
    }
  });
})();
