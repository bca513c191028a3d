// Run a Python script in real Pyodide under Node, with this checkout's pgcore importable.
//
// usage: node devtools/pyodide_node.mjs <pyodide_dir> <pgcore_dir> < script.py
// The script's stdout goes to stdout; a Python exception prints its traceback to stderr and
// exits with status 1. Used by tests/pyodide_runs.py and bench/rollouts.py.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, pgcoreDir] = process.argv.slice(2);
if (!pyodideDir || !pgcoreDir) {
  console.error("usage: node pyodide_node.mjs <pyodide_dir> <pgcore_dir> < script.py");
  process.exit(2);
}

const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + path.sep });
pyodide.setStdout({ batched: (line) => process.stdout.write(line + "\n") });
pyodide.setStderr({ batched: (line) => process.stderr.write(line + "\n") });

// The sources are copied unchanged, subpackages too: what runs here is what CPython imports.
const home = "/home/pyodide";
function copy(from, to) {
  pyodide.FS.mkdirTree(to);
  for (const name of readdirSync(from)) {
    const source = path.join(from, name);
    if (statSync(source).isDirectory()) {
      if (name !== "__pycache__") { copy(source, `${to}/${name}`); }
    } else if (name.endsWith(".py")) {
      pyodide.FS.writeFile(`${to}/${name}`, readFileSync(source));
    }
  }
}
copy(pgcoreDir, `${home}/pgcore`);

try {
  pyodide.runPython(`import sys; sys.path.insert(0, "${home}")`);
  await pyodide.runPythonAsync(readFileSync(0, "utf8"));
} catch (err) {
  process.stderr.write(String(err.message ?? err) + "\n");
  process.exit(1);
}
