// Copies YASGUI's browser bundle from node_modules into api/static/vendor/yasgui/, so the
// editor page is served from the app's own static files and never from a CDN.
//
//   cd web && npm ci && npm run vendor
//
// The files are copied byte for byte (their sha256 goes into VERSION.json, next to the
// version and the integrity hash package-lock.json pinned), without the 3.5 MB source maps.
// LICENSES.txt gathers the licence of YASGUI and of every package in its dependency tree:
// yasgui.min.js bundles them.

import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const source = join(modules, "@zazuko", "yasgui", "build");
const target = resolve(here, "..", "api", "static", "vendor", "yasgui");
const FILES = ["yasgui.min.js", "yasgui.min.css"];

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

if (!existsSync(source)) {
  console.error(`no ${source}: run "npm ci" in web/ first`);
  process.exit(1);
}

const lock = readJson(join(here, "package-lock.json"));
const pinned = lock.packages["node_modules/@zazuko/yasgui"];
const installed = readJson(join(modules, "@zazuko", "yasgui", "package.json"));
if (pinned.version !== installed.version) {
  console.error(`node_modules has @zazuko/yasgui ${installed.version}, package-lock pins ${pinned.version}: run "npm ci"`);
  process.exit(1);
}

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const hashes = {};
for (const name of FILES) {
  copyFileSync(join(source, name), join(target, name));
  hashes[name] = sha256(join(target, name));
}

// Every installed package is in YASGUI's tree: it is web/'s only dependency.
const packages = Object.keys(lock.packages)
  .filter((key) => key.startsWith("node_modules/"))
  .sort();
const LICENCE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;
const sections = [];
for (const key of packages) {
  const folder = join(here, key);
  const meta = readJson(join(folder, "package.json"));
  const file = readdirSync(folder).find((name) => LICENCE_FILE.test(name));
  const declared = meta.license ?? "(no licence field)";
  const text = file
    ? readFileSync(join(folder, file), "utf8").trim()
    : `The package ships no licence file; its package.json declares: ${declared}.`;
  sections.push(`${"=".repeat(78)}\n${meta.name} ${meta.version}  (${declared})\n${"=".repeat(78)}\n${text}\n`);
}
writeFileSync(
  join(target, "LICENSES.txt"),
  `Licences of @zazuko/yasgui ${installed.version} and the packages in its dependency tree.\n` +
    "yasgui.min.js bundles them at the versions its authors built with; the versions below are\n" +
    "the ones package-lock.json resolves in web/.\n\n" +
    sections.join("\n"),
);

writeFileSync(
  join(target, "VERSION.json"),
  JSON.stringify(
    {
      package: installed.name,
      version: installed.version,
      license: installed.license,
      integrity: pinned.integrity,
      copied_from: "web/node_modules/@zazuko/yasgui/build/",
      sha256: hashes,
      made_by: "web/vendor.mjs (cd web && npm ci && npm run vendor)",
    },
    null,
    2,
  ) + "\n",
);
console.log(`vendored @zazuko/yasgui ${installed.version} into ${target}`);
