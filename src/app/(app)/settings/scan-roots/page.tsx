import { api, HydrateClient } from "~/trpc/server";
import { ScanRootsView } from "./scan-roots-view";

export const metadata = { title: "Scan Roots" };

export default function ScanRootsPage() {
  void api.scanRoots.list.prefetch();
  return (
    <HydrateClient>
      <ScanRootsView />
    </HydrateClient>
  );
}
