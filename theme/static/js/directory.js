/* Expert directory: filter people in place by department, topic, kind and whether they
 * accept questions.
 *
 * Progressive enhancement only: without this script the directory is grouped sections,
 * kind pages, the expertise index and the list of people who accept questions, all
 * reachable by the filter links. With it, the hidden form is shown in their place (one
 * filter control, never two); native <select>s keep it keyboard-accessible, and the number of people shown
 * is announced through the form's role="status" region. The choice is kept in the
 * address (?department=…&topic=…&kind=…&questions=yes) so a filtered view can be shared.
 * Data is read from data-* attributes and written with textContent only.
 */
(function () {
  "use strict";

  // The address's names for the choice; scheme-init.js knows them too (it hides the list of
  // an address that filters until init() below has filtered it).
  var FIELDS = ["department", "topic", "kind", "questions"];

  function words(value) {
    return (value || "").split(" ").filter(Boolean);
  }

  function readChoice(form) {
    var choice = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      choice[name] = field ? field.value : "";
    });
    return choice;
  }

  function matches(person, choice) {
    if (choice.kind && person.getAttribute("data-kind") !== choice.kind) {
      return false;
    }
    if (choice.topic && words(person.getAttribute("data-topics")).indexOf(choice.topic) === -1) {
      return false;
    }
    if (choice.questions && person.getAttribute("data-questions") !== choice.questions) {
      return false;
    }
    return true;
  }

  /* Shows the section with the number of its items shown; hides it when none is. */
  function showCount(section, visible) {
    section.hidden = visible === 0;
    var count = section.querySelector("h2 .count");
    if (count) {
      count.textContent = String(visible);
    }
  }

  function apply(form, parts) {
    var choice = readChoice(form);
    var shown = {};
    parts.groups.forEach(function (group) {
      var inDepartment = !choice.department || group.getAttribute("data-department") === choice.department;
      var visible = 0;
      group.querySelectorAll(".person").forEach(function (person) {
        var show = inDepartment && matches(person, choice);
        person.hidden = !show;
        if (show) {
          visible += 1;
          shown[person.getAttribute("data-author")] = true;
        }
      });
      showCount(group, visible);
    });
    // Former contributors are in no department's group: each is judged by their own
    // departments; they appear under no topic of the expertise index (it lists the people
    // to ask today), so a topic hides them. They are not counted in the status.
    if (parts.former) {
      var former = 0;
      parts.former.querySelectorAll(".person").forEach(function (person) {
        var show = (!choice.department || words(person.getAttribute("data-departments")).indexOf(choice.department) !== -1) &&
          matches(person, choice);
        person.hidden = !show;
        former += show ? 1 : 0;
      });
      showCount(parts.former, former);
    }
    // Who accepts questions, among the people shown.
    if (parts.questions) {
      var asked = 0;
      parts.questions.querySelectorAll("li[data-author]").forEach(function (item) {
        var show = shown[item.getAttribute("data-author")] === true;
        item.hidden = !show;
        asked += show ? 1 : 0;
      });
      showCount(parts.questions, asked);
    }
    announce(form, Object.keys(shown).length, choice);
    remember(choice);
  }

  /* The page's sentences (data-messages, translated by the build): a plural form chosen by the
   * page's language, with {count} and {total} filled in. */
  function message(form, key, n, values) {
    var messages = JSON.parse(form.getAttribute("data-messages"));
    var lang = document.documentElement.lang || "en";
    var text = messages[key][new Intl.PluralRules(lang).select(n)] || messages[key].other;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  function announce(form, count, choice) {
    var status = form.querySelector("[role=status]");
    var total = Number(status.getAttribute("data-total"));
    var filtered = FIELDS.some(function (name) { return choice[name]; });
    var values = { count: count.toLocaleString(document.documentElement.lang || undefined), total: total.toLocaleString(document.documentElement.lang || undefined) };
    status.textContent = filtered ? message(form, "filtered", total, values) : message(form, "all", count, values);
  }

  function remember(choice) {
    if (!window.history || !window.history.replaceState) {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      if (choice[name]) {
        params.set(name, choice[name]);
      } else {
        params.delete(name);
      }
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  }

  function restore(form) {
    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      var value = params.get(name);
      if (!field || !value) {
        return;
      }
      // Only values the page offers: a stale or hand-edited link falls back to "all".
      var known = Array.prototype.some.call(field.options, function (option) {
        return option.value === value;
      });
      field.value = known ? value : "";
    });
  }

  function init() {
    var form = document.querySelector("[data-directory-filter]");
    var container = document.querySelector("[data-directory]");
    if (!form || !container) {
      return;
    }
    var parts = {
      groups: Array.prototype.slice.call(container.querySelectorAll(".directory-group")),
      former: document.querySelector("[data-directory-former]"),
      questions: document.querySelector("[data-directory-questions]"),
    };
    // One filter control at a time: the form replaces the links it does the work of.
    var links = document.querySelector("[data-directory-links]");
    if (links) {
      links.hidden = true;
    }
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("change", function () { apply(form, parts); });
    form.addEventListener("reset", function () {
      // The reset event fires before the fields are cleared.
      window.setTimeout(function () { apply(form, parts); }, 0);
    });
    restore(form);
    apply(form, parts);
    // Filtered as the address asks: the list may show (scheme-init.js hid it till now).
    document.documentElement.classList.remove("js-filtering");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
