/* The benchmark's probe of the page's main thread, installed before any script of the page
 * (Playwright add_init_script). The worker has its own (devtools/worker_probe.js).
 *
 * It only observes, through standard APIs, so the page needs no hook:
 * - every data-state change, with its time (time to interactive: every figure ready);
 * - every requestAnimationFrame callback: its frame timestamp and how long it ran;
 * - long tasks (> 50 ms, Long Tasks API, buffered from navigation);
 * - clicks, and the `toggle` of a <details> they cause: how long a click waits for an answer;
 * - Event Timing entries of the reader's input (duration from the input to the next paint);
 * - when the page created its worker (new Worker), to split the boot into its steps;
 * - on demand (watchFrames), the frame rate the page can paint at, from a frame loop of its own,
 *   whether or not the page has something to draw.
 * It also drives the mode switches of the memory run from inside the frame loop, so they land on
 * exact frame counts whatever Playwright's latency.
 */
(function () {
  "use strict";

  var bench = (window.__pgBench = {
    states: [], // [time, element id, state]
    recording: false,
    stamps: [], // per recorded callback: the frame's timestamp
    work: [], // per recorded callback: ms it ran
    beats: [], // the probe's own animation frames while recording: the page's frame rate
    frames: 0, // callbacks since load
    longTasks: [], // [startTime, duration]
    clicks: [], // [event.timeStamp, when the click's listener ran]
    toggles: [], // time of each <details> toggle event
    inputs: [], // Event Timing: [name, startTime, processingStart, duration]
    workerCreated: null,
    cycle: null, // {every, modes, frames}: switch modes every `every` frames
  });

  new MutationObserver(function (records) {
    var now = performance.now();
    records.forEach(function (record) {
      var element = record.target;
      bench.states.push([now, element.id || element.tagName, element.getAttribute("data-state")]);
    });
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });

  function observe(type, options, callback) {
    try {
      new PerformanceObserver(function (list) {
        list.getEntries().forEach(callback);
      }).observe(Object.assign({ type: type, buffered: true }, options));
      return true;
    } catch (error) {
      return false;
    }
  }

  if (!observe("longtask", {}, function (entry) {
    bench.longTasks.push([entry.startTime, entry.duration]);
  })) {
    bench.longTasks = null; // not supported: the suite reports that instead of zero
  }
  observe("event", { durationThreshold: 16 }, function (entry) {
    bench.inputs.push([entry.name, entry.startTime, entry.processingStart, entry.duration]);
  });

  // Capture listeners on window run before any of the page's own.
  window.addEventListener("click", function (event) {
    bench.clicks.push([event.timeStamp, performance.now()]);
  }, true);
  document.addEventListener("toggle", function () {
    bench.toggles.push(performance.now());
  }, true);

  var PageWorker = window.Worker;
  window.Worker = function () {
    bench.workerCreated = performance.now();
    return Reflect.construct(PageWorker, arguments, new.target || PageWorker);
  };
  window.Worker.prototype = PageWorker.prototype;

  // The time every [data-state] element of the page first became "ready" (null until all
  // have), or "error" if any reported an error.
  bench.ready = function () {
    var elements = document.querySelectorAll("[data-state]");
    if (!elements.length) return null;
    var last = 0;
    for (var i = 0; i < elements.length; i++) {
      var element = elements[i];
      if (element.getAttribute("data-state") === "error") return "error";
      var key = element.id || element.tagName;
      var first = bench.states.find(function (s) { return s[1] === key && s[2] === "ready"; });
      if (!first) return null;
      last = Math.max(last, first[0]);
    }
    return last;
  };

  // Show a view in every figure that has it, as a reader's click on its radio button does.
  bench.setMode = function (mode) {
    var radios = document.querySelectorAll(
      'input[type="radio"][data-pg-event][value="' + mode + '"]'
    );
    if (!radios.length) throw new Error("no radio button for mode " + mode);
    radios.forEach(function (radio) { if (!radio.checked) radio.click(); });
  };

  function switchMode() {
    var cycle = bench.cycle;
    cycle.frames += 1;
    if (cycle.frames % cycle.every !== 0) return;
    bench.setMode(cycle.modes[(cycle.frames / cycle.every) % cycle.modes.length]);
  }

  var requestFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = function (callback) {
    return requestFrame(function (stamp) {
      var start = performance.now();
      try {
        callback(stamp);
      } finally {
        bench.frames += 1;
        if (bench.recording) {
          bench.stamps.push(stamp);
          bench.work.push(performance.now() - start);
        }
        if (bench.cycle) switchMode();
      }
    });
  };

  // Counts every frame the browser renders while recording, with the unwrapped
  // requestAnimationFrame, so none of it is counted as the page's work.
  bench.watchFrames = function () {
    bench.beats = [];
    function beat(stamp) {
      if (!bench.recording) return;
      bench.beats.push(stamp);
      requestFrame(beat);
    }
    requestFrame(beat);
  };
})();
