/**
 * Limits on what one request to /api/trpc may ask of the server before anyone is signed in.
 * Plain constants: the browser's tRPC link reads the batch size too.
 */

/** Far above any form's input (the largest are path mapping lists); far below what hurts the process. */
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;

/** The browser's link splits its batches at this size, so only a hand-made request meets the cap. */
export const MAX_TRPC_BATCH_SIZE = 20;
