import { createTRPCRouter } from "~/server/api/trpc";

export const systemRouter = createTRPCRouter({});
