/* A probe of the figures' worker, evaluated in it as soon as it exists (Playwright's "worker"
 * event), long before Pyodide starts in it. It only observes, through the same globals the
 * worker itself uses, so the page needs no hook: the Pyodide instance (by wrapping the
 * loadPyodide that pyodide.js defines) and the wasm memories (by wrapping WebAssembly's
 * instantiate functions). */
(() => {
  const probe = (self.pgProbe = { pyodide: null, memories: [] });
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
        return value.apply(this, arguments).then((pyodide) => (probe.pyodide = pyodide));
      };
    },
  });
})();
