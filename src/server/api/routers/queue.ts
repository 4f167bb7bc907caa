import { createTRPCRouter } from "~/server/api/trpc";

export const queueRouter = createTRPCRouter({});
