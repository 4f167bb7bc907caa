"use client";

import { useEffect, useEffectEvent, useState } from "react";
import { SearchIcon, XIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Input, Label, Select } from "~/components/ui/input";
import { CODEC_LABELS, CODECS, QUEUE_SOURCES, QUEUE_STATUSES } from "~/lib/queue-enums";
import { QUEUE_SEARCH_MAX_LENGTH, QUEUE_SORT_LABELS, QUEUE_SORTS, RESOLUTION_FILTERS } from "~/lib/queue-list-options";
import { hasActiveFilters, type QueueFilters } from "./queue-filters-state";
import { RESOLUTION_LABELS, SOURCE_LABELS, STATUS_LABELS } from "./queue-labels";

type Counts = Partial<Record<(typeof QUEUE_STATUSES)[number] | "total", number>>;

const SEARCH_DEBOUNCE_MS = 300;

export function QueueFilterBar({ filters, counts, onChange }: { filters: QueueFilters; counts: Counts | undefined; onChange: (patch: Partial<QueueFilters>) => void }) {
  const withCount = (label: string, count: number | undefined) => (count === undefined ? label : `${label} (${count.toLocaleString("en-US")})`);
  return (
    <div className="flex flex-wrap items-end gap-3">
      <SearchBox value={filters.q ?? ""} onSearch={(q) => onChange({ q: q || undefined })} />
      <FilterSelect id="filter-status" label="Status" value={filters.status ?? ""} onChange={(value) => onChange({ status: value || undefined })}>
        <option value="">{withCount("All but removed", counts?.total)}</option>
        {QUEUE_STATUSES.map((status) => (
          <option key={status} value={status}>
            {withCount(STATUS_LABELS[status], counts?.[status])}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect id="filter-codec" label="Codec" value={filters.codec ?? ""} onChange={(value) => onChange({ codec: value || undefined })}>
        <option value="">All codecs</option>
        {CODECS.map((codec) => (
          <option key={codec} value={codec}>
            {CODEC_LABELS[codec]}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect id="filter-resolution" label="Resolution" value={filters.resolution ?? ""} onChange={(value) => onChange({ resolution: value || undefined })}>
        <option value="">All resolutions</option>
        {RESOLUTION_FILTERS.map((resolution) => (
          <option key={resolution} value={resolution}>
            {RESOLUTION_LABELS[resolution]}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect id="filter-source" label="Source" value={filters.source ?? ""} onChange={(value) => onChange({ source: value || undefined })}>
        <option value="">All sources</option>
        {QUEUE_SOURCES.map((source) => (
          <option key={source} value={source}>
            {SOURCE_LABELS[source]}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect id="filter-sort" label="Sort" value={filters.sort} onChange={(value) => onChange({ sort: value || undefined })}>
        {QUEUE_SORTS.map((sort) => (
          <option key={sort} value={sort}>
            {QUEUE_SORT_LABELS[sort]}
          </option>
        ))}
      </FilterSelect>
      {hasActiveFilters(filters) ? (
        <Button variant="ghost" size="sm" className="mb-0.5" onClick={() => onChange({ status: undefined, codec: undefined, resolution: undefined, source: undefined, q: undefined })}>
          <XIcon /> Clear filters
        </Button>
      ) : null}
    </div>
  );
}

function FilterSelect<T extends string>({ id, label, value, onChange, children }: { id: string; label: string; value: T | ""; onChange: (value: T | "") => void; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <Label htmlFor={id} className="text-xs text-muted">
        {label}
      </Label>
      {/* Option values come from the same enums as T, so the cast only restores what the DOM erased. */}
      <Select id={id} value={value} onChange={(event) => onChange(event.target.value as T | "")}>
        {children}
      </Select>
    </div>
  );
}

/** Types freely; the query (and the URL) follow once typing pauses. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (value: string) => void }) {
  const [text, setText] = useState(value);
  // `sent` is the last search this box applied; `seen` the last value the URL gave it. A new URL
  // value that is not our own echo came from elsewhere (Clear filters, back button): show it.
  const [sent, setSent] = useState(value);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    if (value !== sent) {
      setSent(value);
      setText(value);
    }
  }

  const apply = useEffectEvent((next: string) => {
    setSent(next);
    onSearch(next);
  });
  useEffect(() => {
    if (text.trim() === sent.trim()) return;
    const timer = setTimeout(() => apply(text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, sent]);

  return (
    <div className="flex min-w-56 flex-1 flex-col gap-1">
      <Label htmlFor="queue-search" className="text-xs text-muted">
        Search paths
      </Label>
      <div className="relative">
        <SearchIcon aria-hidden className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted" />
        <Input id="queue-search" type="search" value={text} maxLength={QUEUE_SEARCH_MAX_LENGTH} placeholder="Part of a path, e.g. /tv/Show Name" className="pl-8" onChange={(event) => setText(event.target.value)} />
      </div>
    </div>
  );
}
