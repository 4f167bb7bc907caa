/** @type {import("next").NextConfig} */
const config = {
  // better-sqlite3 is native; @node-rs/argon2 ships prebuilt binaries: both must stay external.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@node-rs/argon2", "pino", "pino-roll"],
  poweredByHeader: false,
  // `npm test` typechecks the whole repo (tests included) with tsc; a user's `npm start` build
  // should not fail on a test file's types.
  typescript: { ignoreBuildErrors: true },
};

export default config;
