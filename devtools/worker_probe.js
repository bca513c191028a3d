/* A probe of the figures' worker, evaluated in it as soon as it exists (Playwright's "worker"
 * event), long before Pyodide starts in it. It only observes, through the same globals the
 * worker itself uses, so the page needs no hook: the Pyodide instance (by wrapping the
 * loadPyodide that pyodide.js defines), when loadPyodide was called and when it resolved (in
 * the worker's clock), and the wasm memories (by wrapping
 * WebAssembly's instantiate functions). */
(() => {
  const probe = (self.pgProbe = {
    pyodide: null,
    memories: [],
    boot: null, // [called, resolved], performance.now() of this worker
  });
  ["instantiate", "instantiateStreaming"].forEach((name) => {
    const original = WebAssembly[name];
    WebAssembly[name] = function () {
      return original.apply(WebAssembly, arguments).then((result) => {
        const exports = (result.instance || result).exports || {};
        Object.values(exports).forEach((value) => {
          if (value instanceof WebAssembly.Memory) probe.memories.push(value);
        });
        return result;
      });
    };
  });
  let loader;
  Object.defineProperty(self, "loadPyodide", {
    configurable: true,
    get: () => loader,
    set: (value) => {
      loader = typeof value !== "function" ? value : function () {
        probe.boot = [performance.now(), null];
        return value.apply(this, arguments).then((pyodide) => {
          probe.boot[1] = performance.now();
          return (probe.pyodide = pyodide);
        });
      };
    },
  });
})();
