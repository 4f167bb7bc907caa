import { z } from "zod";

/**
 * Zod 4 probes `new Function` once, to decide whether to compile its object parsers. Under the page
 * policy (no 'unsafe-eval', src/server/security/security-headers.ts) the probe fails quietly, but the
 * browser still reports a CSP violation for it on every page that parses. `jitless` skips the probe.
 * Browser only: the server has no such policy and keeps the faster compiled parsers.
 */
if (typeof window !== "undefined") z.config({ jitless: true });
