import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildState, recordBuild, sourceHash } from "../../scripts/build-freshness.mjs";

/** `npm start` rebuilds unless buildState() says "current" (scripts/start.mjs). */
let project: string;

function write(relative: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(project, relative)), { recursive: true });
  fs.writeFileSync(path.join(project, relative), content);
}

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-build-freshness-"));
  write("src/app/page.tsx", "export default function Page() { return null; }\n");
  write("src/server/db.ts", "export const db = 1;\n");
  write("package-lock.json", '{"lockfileVersion":3}\n');
  write("prisma/schema.prisma", "model A { id Int @id }\n");
  write("next.config.mjs", "export default {};\n");
});
afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

function built(): void {
  write(".next/BUILD_ID", "abc\n");
  recordBuild(project);
}

describe("build freshness", () => {
  it("builds when there is no build, and when a build predates fingerprinting", () => {
    expect(buildState(project)).toBe("missing");
    write(".next/BUILD_ID", "abc\n");
    expect(buildState(project)).toBe("stale");
  });

  it("serves a build made from the sources on disk", () => {
    built();
    expect(buildState(project)).toBe("current");
  });

  it.each([
    ["a changed source file", () => write("src/server/db.ts", "export const db = 2;\n")],
    ["a new source file", () => write("src/server/new-feature.ts", "export {};\n")],
    ["a deleted source file", () => fs.rmSync(path.join(project, "src/server/db.ts"))],
    ["a renamed source file", () => fs.renameSync(path.join(project, "src/server/db.ts"), path.join(project, "src/server/database.ts"))],
    ["new dependencies (npm ci after a pull)", () => write("package-lock.json", '{"lockfileVersion":3,"packages":{}}\n')],
    ["a changed database schema", () => write("prisma/schema.prisma", "model A { id Int @id\n name String }\n")],
    ["a changed Next config", () => write("next.config.mjs", "export default { poweredByHeader: false };\n")],
    ["a new public asset", () => write("public/favicon.ico", "icon")],
  ])("rebuilds after %s", (_what, change) => {
    built();
    change();
    expect(buildState(project)).toBe("stale");
    built();
    expect(buildState(project)).toBe("current");
  });

  it("does not rebuild for files the build does not read", () => {
    built();
    write("README.md", "# notes\n");
    write("data/optimizarr.db", "rows");
    write("tests/unit/new.test.ts", "export {};\n");
    write(".next/cache/entry", "cached");
    expect(buildState(project)).toBe("current");
  });

  it("hashes by content, not timestamps: touching a file rebuilds nothing", () => {
    built();
    const file = path.join(project, "src/server/db.ts");
    fs.utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    expect(buildState(project)).toBe("current");
  });

  it("hashes this repository's sources in well under a second", () => {
    const repository = path.resolve(__dirname, "../..");
    const started = performance.now();
    expect(sourceHash(repository)).toMatch(/^[0-9a-f]{64}$/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
