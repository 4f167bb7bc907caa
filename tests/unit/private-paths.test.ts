import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import {
  registerPrivateFiles,
  registerPrivateFolder,
  replacePrivateFolders,
  scrubPrivateText,
  scrubPrivateValues,
} from "~/server/privacy/private-paths";

beforeEach(() => replacePrivateFolders([]));

describe("scrubPrivateText", () => {
  it("hides a private folder, anything inside it, and the rest of the name even with spaces", () => {
    registerPrivateFolder("/media/Private Stuff");
    expect(scrubPrivateText("ENOENT: open '/media/Private Stuff/My Scene 01.mp4'")).toBe("ENOENT: open '[Private]'");
    expect(scrubPrivateText('{"msg":"gone","dir":"/media/Private Stuff"}')).toBe('{"msg":"gone","dir":"[Private]"}');
    expect(scrubPrivateText("/media/Private Stuff is missing")).toBe("[Private]");
  });

  it("leaves public paths, look-alike prefixes and URLs alone", () => {
    registerPrivateFolder("/media/private");
    expect(scrubPrivateText("/media/private2/a.mkv")).toBe("/media/private2/a.mkv");
    expect(scrubPrivateText("/media/tv/a.mkv")).toBe("/media/tv/a.mkv");
    expect(scrubPrivateText("see http://host/media/private/x")).toBe("see http://host/media/private/x");
    expect(scrubPrivateText("no paths here")).toBe("no paths here");
  });

  it("hides a private file's folder (so the file itself too) and every occurrence in a line", () => {
    registerPrivateFiles(["/data/stash/scene.mp4"]);
    expect(scrubPrivateText('a "/data/stash/scene.mp4" b "/data/stash/other.mp4" c "/data/tv/x.mkv"')).toBe(
      'a "[Private]" b "[Private]" c "/data/tv/x.mkv"',
    );
  });

  it("a private root of / hides every absolute path", () => {
    registerPrivateFolder("/");
    expect(scrubPrivateText("read '/tv/a.mkv' failed")).toBe("read '[Private]' failed");
  });

  it("never lets a registered folder's contents through, whatever surrounds it (property)", () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9 ._-]{1,12}$/).filter((value) => value.trim() === value && value !== "." && value !== "..");
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), segment, fc.constantFrom("", "x ", "'", '"', "open ", "="), fc.constantFrom("", "'", '"', "\n"), (folders, file, before, after) => {
        replacePrivateFolders([]);
        const folder = `/${folders.join("/")}`;
        registerPrivateFolder(folder);
        const text = `${before}${folder}/${file}${after} tail`;
        const scrubbed = scrubPrivateText(text);
        expect(scrubbed).not.toContain(`${folder}/`);
        expect(scrubbed).toContain("[Private]");
      }),
    );
  });
});

describe("scrubPrivateValues", () => {
  it("scrubs every string in nested outputs but keeps configuration fields and non-strings", () => {
    registerPrivateFolder("/vault");
    const when = new Date(0);
    const output = { items: [{ error: "ffprobe failed on /vault/a.mp4", size: 10n, when }], pathMappings: [{ remote: "/vault", local: "/vault" }] };
    expect(scrubPrivateValues(output, new Set(["pathMappings"]))).toEqual({
      items: [{ error: "ffprobe failed on [Private]", size: 10n, when }],
      pathMappings: [{ remote: "/vault", local: "/vault" }],
    });
  });
});
