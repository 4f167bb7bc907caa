import { TRPCClientError } from "@trpc/client";

/** The message to show for a failed call: the server's own words, or a fallback for network trouble. */
export function errorMessageOf(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message || "The request failed";
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}

/**
 * Per-field messages of a failed call (`data.zodError.fieldErrors`, set for invalid input and for
 * server-side field checks such as "folder does not exist"), first message per field.
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const data: unknown = error.data;
  if (!data || typeof data !== "object" || !("zodError" in data)) return {};
  const zodError = data.zodError;
  if (!zodError || typeof zodError !== "object" || !("fieldErrors" in zodError)) return {};
  const fieldErrors = zodError.fieldErrors;
  if (!fieldErrors || typeof fieldErrors !== "object") return {};
  const result: Record<string, string> = {};
  for (const [field, messages] of Object.entries(fieldErrors)) {
    if (Array.isArray(messages) && typeof messages[0] === "string") result[field] = messages[0];
  }
  return result;
}
