import type { Codec } from "~/lib/queue-enums";

/**
 * What Optimizarr knows about a file's main video stream, whoever told it: ffprobe, an app's
 * library, a webhook. Every shape that carries these facts is built from this one.
 */
export interface MediaFacts {
  codec: Codec;
  /** The source's own spelling ("x265", "hevc"); null when the file was never scanned. */
  codecRaw: string | null;
  width: number | null;
  height: number | null;
  /** Video bits per second; null when unknown (the apps report 0 then). */
  bitrate: number | null;
  durationSeconds: number | null;
}

/** Just the media facts, so a richer object (a LibraryFile) can't carry extra keys into a queue input. */
export function pickMediaFacts(from: MediaFacts): MediaFacts {
  return {
    codec: from.codec,
    codecRaw: from.codecRaw,
    width: from.width,
    height: from.height,
    bitrate: from.bitrate,
    durationSeconds: from.durationSeconds,
  };
}
