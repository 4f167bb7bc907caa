import { createTRPCRouter } from "~/server/api/trpc";

export const scanRootsRouter = createTRPCRouter({});
