// Copies the front-end libraries installed by `npm ci` (package-lock.json) into the Python package,
// so `pip install` serves them offline: `npm ci && npm run vendor`. The copies are committed.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const modules = join(root, "node_modules");
const vendor = join(here, "static", "vendor");
const testVendor = join(root, "tests", "data", "vendor");

const files = [
  // [package file, destination folder, destination name]
  ["cytoscape/dist/cytoscape.min.js", vendor, "cytoscape.min.js"],
  ["cytoscape/LICENSE", vendor, "cytoscape.LICENSE"],
  ["@zazuko/yasqe/build/yasqe.min.js", vendor, "yasqe.min.js"],
  ["@zazuko/yasqe/build/yasqe.min.css", vendor, "yasqe.min.css"],
  ["@zazuko/yasqe/package.json", vendor, "yasqe.package.json"], // MIT (the package ships no LICENSE file)
  // axe-core only runs in the browser tests; it is not shipped with the package.
  ["axe-core/axe.min.js", testVendor, "axe.min.js"],
  ["axe-core/LICENSE", testVendor, "axe-core.LICENSE"],
];

for (const [src, folder, name] of files) {
  mkdirSync(folder, { recursive: true });
  copyFileSync(join(modules, src), join(folder, name));
  console.log(`${src} -> ${join(folder, name).slice(root.length + 1)}`);
}
