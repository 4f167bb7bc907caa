import { createTRPCRouter } from "~/server/api/trpc";

export const statsRouter = createTRPCRouter({});
