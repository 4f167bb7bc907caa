import { PageHeader } from "~/components/ui/states";
import { LogsView } from "./logs-view";

export const metadata = { title: "Logs" };

// Not prefetched on the server: times are shown in the browser's time zone, which the server
// render cannot know, so the first fetch happens in the browser.
export default function SystemLogsPage() {
  return (
    <>
      <PageHeader title="Logs" description="The newest lines of Optimizarr's log file. Secrets are removed before lines are written." />
      <LogsView />
    </>
  );
}
