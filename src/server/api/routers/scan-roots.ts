import { type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { fieldError } from "~/server/api/field-error";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { scanRootCreateInput, scanRootIdInput, scanRootUpdateInput } from "~/server/scan/scan-root-input";
import {
  createScanRoot,
  deleteScanRoot,
  listScanRoots,
  scanScanRoot,
  scanStatusOf,
  ScanRootError,
  updateScanRoot,
  type ScanRootErrorKind,
} from "~/server/scan/scan-roots-service";

const TRPC_CODES = {
  bad_request: "BAD_REQUEST",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  precondition_failed: "PRECONDITION_FAILED",
} as const satisfies Record<ScanRootErrorKind, TRPC_ERROR_CODE_KEY>;

/**
 * Service errors → tRPC errors. A field error travels as a ZodError cause, so it reaches the client
 * exactly like input validation does (`data.zodError.fieldErrors.path`) and forms handle both alike.
 */
async function mapErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ScanRootError)) throw error;
    throw fieldError(TRPC_CODES[error.kind], error.message, error.field);
  }
}

export const scanRootsRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listScanRoots(ctx.db)),

  create: protectedProcedure.input(scanRootCreateInput).mutation(({ ctx, input }) => mapErrors(() => createScanRoot(ctx.db, input))),

  update: protectedProcedure.input(scanRootUpdateInput).mutation(({ ctx, input }) => mapErrors(() => updateScanRoot(ctx.db, input))),

  delete: protectedProcedure.input(scanRootIdInput).mutation(({ ctx, input }) => mapErrors(() => deleteScanRoot(ctx.db, input.id))),

  /** Starts a background scan and returns at once; while one runs, returns that one. */
  scan: protectedProcedure.input(scanRootIdInput).mutation(({ ctx, input }) => mapErrors(() => scanScanRoot(ctx.db, input.id))),

  /** The running (or last) scan's progress; null when the root has not been scanned since the server started. */
  scanStatus: protectedProcedure.input(scanRootIdInput).query(({ ctx, input }) => mapErrors(() => scanStatusOf(ctx.db, input.id))),
});
