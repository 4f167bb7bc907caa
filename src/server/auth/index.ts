import "server-only";
import { cache } from "react";
import { auth as uncachedAuth } from "./config";

/** One session lookup per request. */
export const auth = cache(uncachedAuth);
export { handlers, signIn, signOut } from "./config";
