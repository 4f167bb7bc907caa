"use client";

import { useState } from "react";
import { AlertTriangleIcon, CpuIcon, RefreshCwIcon } from "lucide-react";
import { toast } from "sonner";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { ErrorState, Spinner } from "~/components/ui/states";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";

const CODEC_NAMES: Record<string, string> = { h265: "H.265", av1: "AV1" };

/** ffmpeg as the server found it: its version, the encoders that passed a test encode, and why none did. */
export function EncoderDetectionCard() {
  const utils = api.useUtils();
  const detection = api.encoder.encoders.useQuery(undefined, { staleTime: 60_000 });
  const [testing, setTesting] = useState(false);

  const testAgain = async () => {
    setTesting(true);
    try {
      const fresh = await utils.encoder.encoders.fetch({ refresh: true });
      utils.encoder.encoders.setData(undefined, fresh);
      toast.success(fresh.problem ? "Encoders tested: there is a problem" : `Encoders tested: ${fresh.encoders.length} working`);
    } catch (error) {
      toast.error("Could not test the encoders", { description: errorMessageOf(error) });
    } finally {
      setTesting(false);
      await utils.encoder.status.invalidate();
    }
  };

  return (
    <Card className="flex flex-col gap-4" aria-label="ffmpeg and encoders" role="region">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <CardTitle>ffmpeg and encoders</CardTitle>
          <p className="mt-1 text-sm text-muted">Each encoder is tried with a one-second test encode; only those that work are offered.</p>
        </div>
        <Button size="sm" onClick={() => void testAgain()} disabled={testing || detection.isPending}>
          {testing ? <Spinner /> : <RefreshCwIcon />} Test encoders again
        </Button>
      </div>
      {detection.isPending ? (
        <p className="flex items-center gap-2 text-sm text-muted">
          <Spinner /> Testing encoders…
        </p>
      ) : detection.isError ? (
        <ErrorState message={errorMessageOf(detection.error)} onRetry={() => void detection.refetch()} />
      ) : (
        <>
          <p className="text-sm">
            <span className="text-muted">ffmpeg version: </span>
            <span className="font-mono">{detection.data.ffmpegVersion ?? "not found"}</span>
          </p>
          {detection.data.problem ? (
            <p role="alert" className="flex items-start gap-2 rounded-md border border-danger/40 bg-danger/10 p-3 text-sm text-danger">
              <AlertTriangleIcon className="mt-0.5 size-4 shrink-0" /> {detection.data.problem}
            </p>
          ) : null}
          {detection.data.encoders.length > 0 ? (
            <ul className="flex flex-wrap gap-2" aria-label="Working encoders">
              {detection.data.encoders.map((encoder) => (
                <li key={encoder.name} className="flex items-center gap-2 rounded-md border border-border bg-background/40 px-3 py-1.5 text-sm">
                  <CpuIcon className="size-4 text-muted" />
                  <span>{encoder.label}</span>
                  <span className="font-mono text-xs text-muted">{encoder.name}</span>
                  <Badge tone={encoder.hardware ? "primary" : "neutral"}>{encoder.hardware ? "hardware" : "software"}</Badge>
                  <Badge>{CODEC_NAMES[encoder.codec] ?? encoder.codec}</Badge>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </Card>
  );
}
