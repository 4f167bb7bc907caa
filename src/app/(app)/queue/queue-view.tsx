"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { keepPreviousData } from "@tanstack/react-query";
import { AddSourcesHint } from "~/components/add-sources-hint";
import { Button } from "~/components/ui/button";
import { EmptyState, ErrorState, LoadingState, PageHeader, Spinner } from "~/components/ui/states";
import { formatNumber } from "~/lib/format";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";
import { ClearRemoved } from "./clear-removed";
import type { ActiveEncode } from "./encode-progress";
import { EncoderPanel } from "./encoder-panel";
import { QueueBulkBar } from "./queue-bulk-bar";
import { QueueFilterBar } from "./queue-filter-bar";
import { filtersFromSearchParams, hasActiveFilters, listInputOf, searchParamsFromFilters, type QueueFilters } from "./queue-filters-state";
import { QueueTable } from "./queue-table";

const NO_SELECTION: ReadonlySet<number> = new Set();
const STATUS_POLL_MS = 2_000;
const HAND_BACK_POLL_MS = 5_000;

export function QueueView() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => filtersFromSearchParams(new URLSearchParams(searchParams.toString())), [searchParams]);
  const viewKey = searchParamsFromFilters(filters);

  // router.replace lands a render later; a second change before then must build on the first.
  const pending = useRef<QueueFilters | null>(null);
  useEffect(() => {
    pending.current = null;
  }, [searchParams]);
  const setFilters = useCallback(
    (patch: Partial<QueueFilters>) => {
      const next = { ...(pending.current ?? filters), ...patch };
      pending.current = next;
      const query = searchParamsFromFilters(next);
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [filters, pathname, router],
  );

  const counts = api.queue.counts.useQuery();
  const list = api.queue.list.useInfiniteQuery(listInputOf(filters), {
    getNextPageParam: (page) => page.nextCursor,
    // Keep showing the old rows while a new filter loads, instead of flashing a spinner.
    placeholderData: keepPreviousData,
    // A finished encode tells its app afterwards (with retries): follow it until the badge settles.
    refetchInterval: (query) => (query.state.data?.pages.some((page) => page.items.some((item) => item.lastEncode?.handBackStatus === "pending")) ? HAND_BACK_POLL_MS : false),
  });
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);

  // Live progress: polled only while the page is visible (react-query skips background tabs).
  const encoder = api.encoder.status.useQuery(undefined, { refetchInterval: STATUS_POLL_MS });
  const active = useMemo(() => new Map<number, ActiveEncode>((encoder.data?.active ?? []).map((encode) => [encode.itemId, encode])), [encoder.data]);
  useRefreshWhenEncodesChange(encoder.data?.active);

  // A selection belongs to the view it was made in; changing filters starts afresh.
  const [selection, setSelection] = useState<{ viewKey: string; ids: ReadonlySet<number> }>({ viewKey, ids: NO_SELECTION });
  const selected = selection.viewKey === viewKey ? selection.ids : NO_SELECTION;
  const toggle = useCallback(
    (id: number) =>
      setSelection((current) => {
        const ids = new Set(current.viewKey === viewKey ? current.ids : NO_SELECTION);
        if (!ids.delete(id)) ids.add(id);
        return { viewKey, ids };
      }),
    [viewKey],
  );
  const toggleAll = (select: boolean) => setSelection({ viewKey, ids: select ? new Set(items.map((item) => item.id)) : NO_SELECTION });
  const clearSelection = () => setSelection({ viewKey, ids: NO_SELECTION });

  const knownTotal = !filters.codec && !filters.source && !filters.resolution && !filters.q?.trim() ? (filters.status ? counts.data?.[filters.status] : counts.data?.total) : undefined;

  return (
    <>
      <PageHeader
        title="Queue"
        description={
          counts.data
            ? `${formatNumber(counts.data.total)} ${counts.data.total === 1 ? "file" : "files"} known · ${formatNumber(counts.data.queued)} queued for encoding · ${formatNumber(counts.data.failed)} failed`
            : "Files that are bigger than they need to be, waiting to be re-encoded."
        }
      />
      <EncoderPanel status={encoder.data} queued={counts.data?.queued} />
      <QueueFilterBar filters={filters} counts={counts.data} onChange={setFilters} />
      {filters.status === "removed" && counts.data && counts.data.removed > 0 ? <ClearRemoved count={counts.data.removed} /> : null}
      <div className="mt-4" aria-busy={list.isFetching}>
        {list.isPending ? (
          <LoadingState label="Loading the queue…" />
        ) : list.isError && items.length === 0 ? (
          <ErrorState message={errorMessageOf(list.error)} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          hasActiveFilters(filters) ? (
            <EmptyState title="No items match these filters">
              <Button size="sm" className="mt-2" onClick={() => setFilters({ status: undefined, codec: undefined, resolution: undefined, source: undefined, q: undefined })}>
                Clear filters
              </Button>
            </EmptyState>
          ) : (
            <EmptyState title="Queue is empty — add a scan root or a connection">
              Optimizarr fills the queue by scanning folders and by asking Sonarr, Radarr and Stash what they have. <AddSourcesHint />
            </EmptyState>
          )
        ) : (
          <>
            <div className={list.isPlaceholderData ? "opacity-60 transition-opacity" : undefined}>
              <QueueTable items={items} active={active} selected={selected} onToggle={toggle} onToggleAll={toggleAll} />
            </div>
            {list.isError ? <ErrorState message={errorMessageOf(list.error)} onRetry={() => void list.fetchNextPage()} /> : null}
            <LoadMore
              loaded={items.length}
              total={knownTotal}
              hasMore={list.hasNextPage}
              loading={list.isFetchingNextPage}
              paused={list.isError}
              onLoadMore={() => void list.fetchNextPage()}
            />
          </>
        )}
      </div>
      {selected.size > 0 ? (
        <QueueBulkBar
          selectedIds={[...selected]}
          encodingIds={items.filter((item) => selected.has(item.id) && item.status === "encoding").map((item) => item.id)}
          onDone={clearSelection}
          onClear={clearSelection}
        />
      ) : null}
    </>
  );
}

/**
 * An encode that starts or ends changes its row (status, sizes, hand-back) and the counts: refetch
 * them when the set of running items changes, not on every progress poll.
 */
function useRefreshWhenEncodesChange(active: readonly ActiveEncode[] | undefined) {
  const utils = api.useUtils();
  const key = active?.map((encode) => encode.itemId).sort((a, b) => a - b).join(",");
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (key === undefined) return;
    const previous = seen.current;
    seen.current = key;
    if (previous !== undefined && previous !== key) void Promise.all([utils.queue.invalidate(), utils.stats.invalidate()]);
  }, [key, utils]);
}

/** "Load more" button, pressed automatically when it scrolls into view (infinite scroll). */
function LoadMore({ loaded, total, hasMore, loading, paused, onLoadMore }: { loaded: number; total: number | undefined; hasMore: boolean; loading: boolean; paused: boolean; onLoadMore: () => void }) {
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasMore || loading || paused) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && onLoadMore(), { rootMargin: "400px" });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasMore, loading, paused, onLoadMore]);

  return (
    <div ref={sentinel} className="flex items-center justify-between gap-4 py-4 text-sm text-muted">
      <span role="status">
        Showing {formatNumber(loaded)}
        {total !== undefined ? ` of ${formatNumber(total)}` : ""} {loaded === 1 ? "item" : "items"}
        {!hasMore ? " — all loaded" : ""}
      </span>
      {hasMore ? (
        <Button size="sm" onClick={onLoadMore} disabled={loading}>
          {loading ? <Spinner /> : null} Load more
        </Button>
      ) : null}
    </div>
  );
}
