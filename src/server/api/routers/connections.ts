import { createTRPCRouter } from "~/server/api/trpc";

export const connectionsRouter = createTRPCRouter({});
