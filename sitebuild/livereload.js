/* Dev server only (build.py --serve): reload the page when a new build is done. The server
 * numbers its builds; this polls the number and reloads when it changes. */
(function () {
  "use strict";
  var url = new URL("/__pgsite/build", document.baseURI).href;
  var seen = null;
  function poll() {
    fetch(url, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (number) {
        if (seen !== null && number !== seen) { location.reload(); }
        seen = number;
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 300); });
  }
  poll();
}());
