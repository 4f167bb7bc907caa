// Whether the production build in .next was made from the sources on disk. `npm start` builds when
// it was not: after `git pull && npm ci` a build that merely exists would serve the old version.
// The build is fingerprinted by a hash of everything `next build` reads, stored beside it.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Folders and files `next build` reads (node_modules is covered by the lockfile). */
export const BUILD_INPUTS = [
  "src",
  "public",
  "package.json",
  "package-lock.json",
  "prisma/schema.prisma",
  "tsconfig.json",
  "next.config.mjs",
  "next.config.js",
  "next.config.ts",
  "next.config.mts",
  "postcss.config.mjs",
  "postcss.config.js",
  "tailwind.config.ts",
  "tailwind.config.js",
  "tailwind.config.mjs",
];

const HASH_FILE = path.join(".next", "optimizarr-source-hash");

/** Every regular file under `entry` (a file or a folder), as paths relative to `root`. */
function listFiles(root, entry) {
  const absolute = path.join(root, entry);
  let stat;
  try {
    stat = fs.statSync(absolute);
  } catch {
    return [];
  }
  if (stat.isFile()) return [entry];
  if (!stat.isDirectory()) return [];
  return fs
    .readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((dirent) => dirent.isFile())
    .map((dirent) => path.relative(root, path.join(dirent.parentPath, dirent.name)));
}

/** sha256 over the inputs' names and contents, in a fixed order: a few thousand files take well under a second. */
export function sourceHash(root = process.cwd()) {
  const files = BUILD_INPUTS.flatMap((entry) => listFiles(root, entry)).sort();
  const hash = crypto.createHash("sha256");
  for (const file of files) {
    const content = fs.readFileSync(path.join(root, file));
    // Name and length first, so moving bytes from one file to the next changes the hash.
    hash.update(`${file.split(path.sep).join("/")}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

/** "missing": no build; "stale": built from other sources (or before builds were fingerprinted); "current": serve it. */
export function buildState(root = process.cwd()) {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) return "missing";
  let stored;
  try {
    stored = fs.readFileSync(path.join(root, HASH_FILE), "utf8").trim();
  } catch {
    return "stale";
  }
  return stored === sourceHash(root) ? "current" : "stale";
}

/**
 * After a successful build. Hashed afterwards rather than before because `next build` may rewrite
 * tsconfig.json; an edit made while it built is then missed until the next change, a fair price.
 */
export function recordBuild(root = process.cwd()) {
  fs.writeFileSync(path.join(root, HASH_FILE), `${sourceHash(root)}\n`);
}
