import { Suspense } from "react";
import { LoadingState } from "~/components/ui/states";
import { QueueView } from "./queue-view";

export const metadata = { title: "Queue" };

export default function QueuePage() {
  // The view reads its filters from the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense fallback={<LoadingState label="Loading the queue…" />}>
      <QueueView />
    </Suspense>
  );
}
