/**
 * Security headers for what src/proxy.ts does not see: API routes and Next's build output. Pages get
 * the same baseline plus a nonce-based policy there. A copy of src/server/security/security-headers.ts's
 * baseline: this file cannot import TypeScript.
 */
const apiAndAssetHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  // JSON and scripts need no policy of their own; this one stops a response opened as a document
  // (an SVG, an HTML error page) from running or framing anything.
  { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
];

/** @type {import("next").NextConfig} */
const config = {
  async headers() {
    return [
      { source: "/api/:path*", headers: apiAndAssetHeaders },
      { source: "/_next/:path*", headers: apiAndAssetHeaders },
    ];
  },
  // better-sqlite3 is native; @node-rs/argon2 ships prebuilt binaries: both must stay external.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@node-rs/argon2", "pino", "pino-roll"],
  poweredByHeader: false,
  // `npm test` typechecks the whole repo (tests included) with tsc; a user's `npm start` build
  // should not fail on a test file's types.
  typescript: { ignoreBuildErrors: true },
};

export default config;
