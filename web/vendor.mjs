// Copies the browser bundles of the web interface from node_modules into api/static/vendor/, so
// every page (the editor, /docs, /redoc) is served from the app's own static files and never
// from a CDN:
//
//   cd web && npm ci && npm run vendor
//
// - yasgui/      @zazuko/yasgui, the SPARQL editor
// - swagger-ui/  swagger-ui-dist, the interactive OpenAPI documentation at /docs
// - redoc/       redoc's standalone bundle, the OpenAPI reference at /redoc
//
// The files are copied byte for byte (their sha256 goes into each folder's VERSION.json, next
// to the version and the integrity hash package-lock.json pinned), without the source maps.
// Each folder's LICENSES.txt gathers the licence of the package and of every package it
// bundles: for a bundle built from its npm dependencies (YASGUI, ReDoc) the packages of its
// dependency tree as package-lock.json resolves it, and for a prebuilt one (Swagger UI) the
// licence notices its authors extracted from the bundle (*.LICENSE.txt, copied as well).

import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = resolve(here, "..", "api", "static", "vendor");

const BUNDLES = [
  {
    target: "yasgui",
    package: "@zazuko/yasgui",
    folder: "build",
    files: ["yasgui.min.js", "yasgui.min.css"],
    bundler: "yasgui.min.js",
    tree: true,
  },
  {
    target: "swagger-ui",
    package: "swagger-ui-dist",
    folder: "",
    files: ["swagger-ui-bundle.js", "swagger-ui.css"],
    notices: ["LICENSE", "NOTICE", "swagger-ui-bundle.js.LICENSE.txt"],
    // Its only npm dependency, @scarf/scarf, is an install-time download counter (web/.npmrc
    // turns install scripts off); the bundle does not contain it.
    tree: false,
  },
  {
    target: "redoc",
    package: "redoc",
    folder: "bundles",
    files: ["redoc.standalone.js"],
    notices: ["redoc.standalone.js.LICENSE.txt"],
    bundler: "redoc.standalone.js",
    tree: true,
  },
];

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");
const lock = readJson(join(here, "package-lock.json"));
const LICENCE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;
const RULE = "=".repeat(78);

// Where npm installed `name` for the package at lock key `from`: the nearest node_modules up
// the tree, as Node resolves it.
function resolveKey(from, name) {
  let base = from;
  for (;;) {
    const key = `${base ? base + "/" : ""}node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (!base) return null;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

// Lock keys of a package and of everything it needs at run time (dependencies, and the peer
// dependencies a bundle is built with), sorted.
function tree(rootKey) {
  const seen = new Set();
  const stack = [rootKey];
  while (stack.length) {
    const key = stack.pop();
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = lock.packages[key];
    const names = Object.keys({ ...entry.dependencies, ...entry.peerDependencies, ...entry.optionalDependencies });
    for (const name of names) {
      const found = resolveKey(key, name);
      if (found) stack.push(found);
    }
  }
  return [...seen].sort();
}

function licenceSection(key) {
  const folder = join(here, key);
  const meta = readJson(join(folder, "package.json"));
  const file = readdirSync(folder).find((name) => LICENCE_FILE.test(name));
  const declared = meta.license ?? "(no licence field)";
  const text = file
    ? readFileSync(join(folder, file), "utf8").trim()
    : `The package ships no licence file; its package.json declares: ${declared}.`;
  return `${RULE}\n${meta.name} ${meta.version}  (${declared})\n${RULE}\n${text}\n`;
}

function vendorBundle(bundle) {
  const key = `node_modules/${bundle.package}`;
  const home = join(here, key);
  const source = join(home, bundle.folder);
  if (!existsSync(source)) {
    console.error(`no ${source}: run "npm ci" in web/ first`);
    process.exit(1);
  }
  const pinned = lock.packages[key];
  const installed = readJson(join(home, "package.json"));
  if (pinned.version !== installed.version) {
    console.error(`node_modules has ${bundle.package} ${installed.version}, package-lock pins ${pinned.version}: run "npm ci"`);
    process.exit(1);
  }
  const target = join(vendor, bundle.target);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const hashes = {};
  for (const name of bundle.files) {
    copyFileSync(join(source, name), join(target, name));
    hashes[name] = sha256(join(target, name));
  }

  let licences;
  if (bundle.tree) {
    licences =
      `Licences of ${bundle.package} ${installed.version} and the packages in its dependency tree.\n` +
      `${bundle.bundler} bundles them at the versions its authors built with; the versions below are\n` +
      "the ones package-lock.json resolves in web/.\n\n" +
      tree(key).map(licenceSection).join("\n");
  } else {
    licences =
      `Licence of ${bundle.package} ${installed.version}, and the notices of the packages its authors\n` +
      `bundled into ${bundle.files.join(" and ")}.\n\n` + licenceSection(key);
  }
  for (const name of bundle.notices ?? []) {
    const text = readFileSync(join(source, name), "utf8").trim();
    licences += `\n${RULE}\n${bundle.package} ${installed.version}: ${bundle.folder ? bundle.folder + "/" : ""}${name}\n${RULE}\n${text}\n`;
  }
  writeFileSync(join(target, "LICENSES.txt"), licences);

  writeFileSync(
    join(target, "VERSION.json"),
    JSON.stringify(
      {
        package: installed.name,
        version: installed.version,
        license: installed.license,
        integrity: pinned.integrity,
        copied_from: `web/${key}/${bundle.folder ? bundle.folder + "/" : ""}`,
        sha256: hashes,
        made_by: "web/vendor.mjs (cd web && npm ci && npm run vendor)",
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`vendored ${bundle.package} ${installed.version} into ${target}`);
}

for (const bundle of BUNDLES) vendorBundle(bundle);
