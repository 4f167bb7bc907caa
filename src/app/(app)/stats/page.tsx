import { api, HydrateClient } from "~/trpc/server";
import { StatsView } from "./stats-view";

export const metadata = { title: "Statistics" };

export default function StatsPage() {
  void api.stats.summary.prefetch({ includePrivate: false });
  void api.stats.savings.prefetch({ includePrivate: false, days: 30 });
  return (
    <HydrateClient>
      <StatsView />
    </HydrateClient>
  );
}
