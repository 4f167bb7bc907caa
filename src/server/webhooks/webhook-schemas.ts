import { z } from "zod";
import { connectionIdSchema } from "~/server/connections/connection-schemas";

/**
 * Inputs of the webhook procedures on the `connections` router. Pure zod, so the register dialog
 * validates the callback URL with the same rules.
 */
const MAX_CALLBACK_URL_LENGTH = 2048;

/**
 * Optimizarr's base URL as Sonarr/Radarr reach it (contract: `callbackUrl`). We append
 * `/api/webhooks/<appType>` and the credentials ourselves, so a path is kept (reverse proxy under
 * a sub-path) but credentials, query and fragment are refused.
 */
export const callbackUrlSchema = z
  .url({ protocol: /^https?$/, message: "Enter Optimizarr's address as Sonarr/Radarr reach it, e.g. http://optimizarr:3000" })
  .max(MAX_CALLBACK_URL_LENGTH)
  .transform((value, ctx) => {
    const url = new URL(value.trim());
    if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "Leave the user name and password out: Optimizarr adds its own credentials" });
      return z.NEVER;
    }
    if (url.search || url.hash) {
      ctx.addIssue({ code: "custom", message: "Leave ?query and #fragment out of the address" });
      return z.NEVER;
    }
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  });

export const registerWebhookInputSchema = z.object({ id: connectionIdSchema, callbackUrl: callbackUrlSchema });

/** `force`: forget the webhook here even when the app can't be reached to remove it there. */
export const unregisterWebhookInputSchema = z.object({ id: connectionIdSchema, force: z.boolean().default(false) });

export const webhookDeliveriesInputSchema = z.object({ id: connectionIdSchema, limit: z.number().int().min(1).max(500).default(50) });

export const retryWebhookDeliveryInputSchema = z.object({ deliveryId: z.number().int().positive() });
