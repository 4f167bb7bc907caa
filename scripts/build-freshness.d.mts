// Types for build-freshness.mjs (plain JavaScript so `npm start` runs it with node alone).
export declare const BUILD_INPUTS: readonly string[];
export declare function sourceHash(root?: string): string;
export declare function buildState(root?: string): "missing" | "stale" | "current";
export declare function recordBuild(root?: string): void;
