import { generatedList, type ListLike } from "./arr-library";

/**
 * Stash scenes, files and tags shaped like the GraphQL types in ./stash-schema.graphql (Scene,
 * VideoFile, Tag), for the fake Stash. Generators build scenes on demand from their index, so a
 * 100k-scene library costs no memory until served.
 */
export interface FakeVideoFile {
  id: string;
  path: string;
  basename: string;
  size: number;
  format: string;
  width: number;
  height: number;
  duration: number;
  /** ffprobe's codec_name: h264, hevc, vp9, av1, mpeg4, wmv3, vc1… */
  video_codec: string;
  audio_codec: string;
  frame_rate: number;
  bit_rate: number;
  mod_time: string;
  created_at: string;
  updated_at: string;
}

export interface FakeTag {
  id: string;
  name: string;
  aliases: string[];
}

export interface FakeScene {
  /** Numeric, as Stash's ids are (GraphQL sends them as strings). */
  id: number;
  title: string | null;
  organized: boolean;
  created_at: string;
  updated_at: string;
  files: FakeVideoFile[];
  /** Ids of the scene's tags (see FakeStashLibrary.tags). */
  tagIds: string[];
}

export function fakeVideoFile(id: number, overrides: Partial<FakeVideoFile> = {}): FakeVideoFile {
  const path = overrides.path ?? `/data/scenes/scene-${id}.mp4`;
  return {
    id: String(id),
    path,
    basename: path.slice(path.lastIndexOf("/") + 1),
    size: 1_500_000_000 + id,
    format: "mp4",
    width: 1920,
    height: 1080,
    duration: 1_834.5,
    video_codec: "h264",
    audio_codec: "aac",
    frame_rate: 29.97,
    bit_rate: 6_500_000,
    mod_time: "2025-06-01T12:00:00Z",
    created_at: "2025-06-02T08:30:00Z",
    updated_at: "2025-06-02T08:30:00Z",
    ...overrides,
  };
}

export function fakeScene(id: number, options: { files?: FakeVideoFile[]; tagIds?: string[]; title?: string } = {}): FakeScene {
  return {
    id,
    title: options.title ?? `Scene ${id}`,
    organized: false,
    created_at: "2025-06-02T08:30:00Z",
    updated_at: "2025-06-02T08:30:00Z",
    files: options.files ?? [fakeVideoFile(id)],
    tagIds: options.tagIds ?? [],
  };
}

const CODEC_ROTATION = ["h264", "hevc", "vp9", "av1", "mpeg4", "wmv3", "vc1"] as const;

/** N scenes with ids 1…N and one file each (file id = scene id); codecs rotate through ffprobe's names. */
export function generateStashScenes(count: number): ListLike<FakeScene> {
  return generatedList(count, (index) => {
    const id = index + 1;
    return fakeScene(id, { files: [fakeVideoFile(id, { video_codec: CODEC_ROTATION[index % CODEC_ROTATION.length] })] });
  });
}
