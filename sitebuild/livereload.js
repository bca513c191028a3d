/* Dev server only (build.py --serve adds this script to each page as it serves it).
 *
 * Waits on the server's long poll for the next build. If only the page's prose changed (the
 * server's "shape" of the page, everything but its prose, is the one this page was served
 * with), the new page is fetched and its prose swapped in place: every part of <body> is
 * replaced except the figures, which are moved over as they are, so their canvas, their
 * controls and the worker that runs their Python carry on. Anything else reloads the page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var build = script.getAttribute("data-build");
  var shape = script.getAttribute("data-shape");
  var waitUrl = new URL("/__pgsite/wait", document.baseURI);

  function parts(body) {
    return Array.prototype.filter.call(body.children, function (element) {
      return element.tagName !== "SCRIPT";
    });
  }

  // Replace the prose of the page with the new page's, keeping every live figure; false if the
  // two pages are not built alike (then the caller reloads).
  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var now = parts(document.body);
    var next = parts(fresh.body).map(function (element) { return document.importNode(element, true); });
    var same = now.length === next.length && now.every(function (element, i) {
      return element.tagName === next[i].tagName;
    });
    var figures = next.map(function (element) {
      return Array.prototype.slice.call(element.querySelectorAll("[data-widget]"));
    });
    var live = [].concat.apply([], figures).map(function (figure) {
      return document.getElementById(figure.id);
    });
    if (!same || live.some(function (figure) { return !figure; })) { return false; }
    [].concat.apply([], figures).forEach(function (figure, i) { figure.replaceWith(live[i]); });
    now.forEach(function (element, i) { element.replaceWith(next[i]); });
    document.title = fresh.title;
    return true;
  }

  function wait() {
    waitUrl.search = "?after=" + encodeURIComponent(build) + "&page=" +
      encodeURIComponent(location.pathname);
    fetch(waitUrl.href, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (String(state.build) === build) { return wait(); }
        if (state.error || !shape || state.shape !== shape) { location.reload(); return null; }
        return fetch(location.href, { cache: "no-store" })
          .then(function (response) { return response.text(); })
          .then(function (html) {
            build = String(state.build);
            if (swap(html)) { wait(); } else { location.reload(); }
          });
      })
      .catch(function () { setTimeout(wait, 1000); }); // the server restarts: try again
  }
  wait();
}());
