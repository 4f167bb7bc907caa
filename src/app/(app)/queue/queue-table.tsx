"use client";

import { memo, useEffect, useRef, useState } from "react";
import { HistoryIcon, LockIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { formatBitrate, formatBytes, formatResolution } from "~/lib/format";
import type { RouterOutputs } from "~/trpc/react";
import { EncodeHistoryDialog } from "./encode-history-dialog";
import { InlineEncodeProgress, type ActiveEncode } from "./encode-progress";
import { DoneResult } from "./encode-result";
import { CodecBadge, StatusBadge } from "./queue-badges";
import { RESOLUTION_SHORT, SOURCE_LABELS } from "./queue-labels";

export type QueueItem = RouterOutputs["queue"]["list"]["items"][number];

/**
 * The loaded pages as one table. Only what has been fetched is rendered (100 rows a page), so a
 * 100,000-item queue costs what the user actually scrolled through.
 */
export function QueueTable({
  items,
  active,
  selected,
  onToggle,
  onToggleAll,
}: {
  items: QueueItem[];
  /** Running encodes by item id (encoder.status), for inline progress. */
  active: ReadonlyMap<number, ActiveEncode>;
  selected: ReadonlySet<number>;
  onToggle: (id: number) => void;
  onToggleAll: (select: boolean) => void;
}) {
  const selectedCount = items.reduce((count, item) => count + (selected.has(item.id) ? 1 : 0), 0);
  const allSelected = items.length > 0 && selectedCount === items.length;
  return (
    <div className="overflow-x-auto rounded-lg border border-border bg-surface">
      <table className="w-full min-w-[36rem] table-fixed text-sm" aria-label="Queue items">
        <thead className="border-b border-border text-left text-xs uppercase tracking-wide text-muted">
          <tr>
            <th scope="col" className="w-10 px-3 py-2">
              <SelectAllCheckbox checked={allSelected} indeterminate={selectedCount > 0 && !allSelected} onChange={onToggleAll} />
            </th>
            <th scope="col" className="px-3 py-2 font-medium">Path</th>
            <th scope="col" className="w-24 px-3 py-2 font-medium">Codec</th>
            <th scope="col" className="w-20 px-3 py-2 font-medium">Res.</th>
            <th scope="col" className="w-24 px-3 py-2 text-right font-medium">Size</th>
            <th scope="col" className="hidden w-28 px-3 py-2 text-right font-medium xl:table-cell">Bitrate</th>
            <th scope="col" className="hidden w-24 px-3 py-2 font-medium md:table-cell">Source</th>
            <th scope="col" className="w-24 px-3 py-2 font-medium">Status</th>
            <th scope="col" className="hidden w-16 px-3 py-2 text-right font-medium xl:table-cell">Prio.</th>
            <th scope="col" className="hidden w-28 px-3 py-2 text-right font-medium md:table-cell">Est. savings</th>
            <th scope="col" className="w-12 px-2 py-2">
              <span className="sr-only">Encode attempts</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <QueueRow key={item.id} item={item} encode={active.get(item.id)} checked={selected.has(item.id)} onToggle={onToggle} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Memoised: selecting one row re-renders that row, not every loaded row.
const QueueRow = memo(function QueueRow({ item, encode, checked, onToggle }: { item: QueueItem; encode: ActiveEncode | undefined; checked: boolean; onToggle: (id: number) => void }) {
  const [historyOpen, setHistoryOpen] = useState(false);
  const name = fileNameOf(item.filePath);
  return (
    <tr className="border-b border-border/60 last:border-0 hover:bg-surface-raised/60 aria-selected:bg-primary/10" aria-selected={checked}>
      <td className="px-3 py-2">
        <input type="checkbox" className="size-4 accent-primary" checked={checked} onChange={() => onToggle(item.id)} aria-label={`Select ${item.filePath}`} />
      </td>
      <td className="px-3 py-2" title={item.filePath}>
        {item.private ? (
          <div className="flex min-w-0 items-center gap-1.5">
            <LockIcon aria-label="Private" className="size-3.5 shrink-0 text-muted" />
            <span className="truncate">{item.filePath}</span>
          </div>
        ) : (
          <PathCell path={item.filePath} />
        )}
        {item.status === "encoding" && encode ? <InlineEncodeProgress encode={encode} /> : null}
        {item.status === "done" && item.sizeBeforeBytes !== null && item.sizeAfterBytes !== null ? (
          <DoneResult before={item.sizeBeforeBytes} after={item.sizeAfterBytes} job={item.lastEncode} source={item.source} />
        ) : null}
      </td>
      <td className="px-3 py-2">
        <CodecBadge codec={item.codec} raw={item.codecRaw} />
      </td>
      <td className="px-3 py-2 text-muted" title={formatResolution(item.width, item.height)}>
        {RESOLUTION_SHORT[item.resolution]}
      </td>
      <td className="px-3 py-2 text-right tabular-nums">{formatBytes(item.sizeBytes)}</td>
      <td className="hidden px-3 py-2 text-right tabular-nums text-muted xl:table-cell">{formatBitrate(item.bitrate)}</td>
      <td className="hidden px-3 py-2 md:table-cell">
        <p className="truncate text-muted">{SOURCE_LABELS[item.source]}</p>
        {item.connectionName && item.connectionName !== SOURCE_LABELS[item.source] ? <p className="truncate text-xs text-muted/80">{item.connectionName}</p> : null}
      </td>
      <td className="px-3 py-2">
        <StatusBadge status={item.status} reason={item.statusReason} />
      </td>
      <td className="hidden px-3 py-2 text-right tabular-nums text-muted xl:table-cell">{item.priority === 0 ? "—" : item.priority}</td>
      <td className="hidden px-3 py-2 text-right tabular-nums md:table-cell">{item.estimatedSavingsBytes > 0n && item.status !== "removed" ? formatBytes(item.estimatedSavingsBytes) : "—"}</td>
      <td className="px-2 py-2 text-right">
        {item.lastEncode ? (
          <>
            <Button size="icon" variant="ghost" onClick={() => setHistoryOpen(true)} aria-label={`Encode attempts for ${name}`} title="Encode attempts">
              <HistoryIcon />
            </Button>
            {historyOpen ? <EncodeHistoryDialog itemId={item.id} name={name} source={item.source} open={historyOpen} onOpenChange={setHistoryOpen} /> : null}
          </>
        ) : null}
      </td>
    </tr>
  );
});

function fileNameOf(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1) || path;
}

/** File name first (what users scan for), its folder beneath; both cut with an ellipsis, the full path in the tooltip. */
function PathCell({ path }: { path: string }) {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1;
  const name = path.slice(cut) || path;
  const folder = path.slice(0, cut);
  return (
    <div className="min-w-0">
      <p className="truncate">{name}</p>
      {folder ? <p className="truncate font-mono text-xs text-muted">{folder}</p> : null}
    </div>
  );
}

function SelectAllCheckbox({ checked, indeterminate, onChange }: { checked: boolean; indeterminate: boolean; onChange: (select: boolean) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // `indeterminate` exists only as a DOM property, not an attribute.
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return <input ref={ref} type="checkbox" className="size-4 accent-primary" checked={checked} onChange={(event) => onChange(event.target.checked)} aria-label="Select all loaded items" />;
}
