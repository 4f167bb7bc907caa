import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { ZodRealError } from "zod";

/**
 * A service's refusal of one input field, shaped exactly like input validation
 * (`data.zodError.fieldErrors.<field>`), so forms show both beside the field alike.
 */
export function fieldError(code: TRPC_ERROR_CODE_KEY, message: string, field: string | null): TRPCError {
  const cause = field ? new ZodRealError([{ code: "custom", path: [field], message, input: undefined }]) : undefined;
  return new TRPCError({ code, message, cause });
}
