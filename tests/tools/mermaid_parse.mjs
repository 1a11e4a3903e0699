// usage: node mermaid-parse.mjs MODULES_DIR FILE.mmd -> exit 0 when mermaid.parse() accepts it
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [modules, file] = process.argv.slice(2);
const require = createRequire(modules + "/");
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const entry = require.resolve("mermaid");
const mod = await import(pathToFileURL(entry.replace(/mermaid\.core\.mjs$|mermaid\.js$/, "mermaid.core.mjs")).href).catch(() => import(pathToFileURL(entry).href));
const mermaid = mod.default ?? mod;
try {
  const res = await mermaid.parse(readFileSync(file, "utf8"));
  console.log("ok", JSON.stringify(res));
} catch (err) {
  console.error("invalid:", err && err.message ? err.message : String(err));
  process.exit(1);
}
