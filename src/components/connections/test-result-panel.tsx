"use client";

import { useEffect, useRef } from "react";
import { CircleCheckIcon, CircleXIcon, ShieldAlertIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Spinner } from "~/components/ui/states";
import type { RouterOutputs } from "~/trpc/react";
import { failureCategoryLabel } from "./connection-labels";

export type TestResult = RouterOutputs["connections"]["test"];

/**
 * The answer of a connection test: app and version, or the categorised reason with the server's
 * message. For an untrusted certificate it shows what was presented and offers to trust exactly it.
 */
export function TestResultPanel({ result, onTrustCertificate, trusting }: { result: TestResult; onTrustCertificate?: (sha256: string) => void; trusting?: boolean }) {
  // In a long form the answer may land below the fold: bring it into view (clear of the sticky footer).
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // A statement, not an expression: newer browsers return a Promise here, which React would take for a cleanup.
    void panel.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [result]);
  if (result.ok) {
    return (
      <div ref={panel} role="status" className="flex scroll-mb-24 items-start gap-2 rounded-md border border-success/40 bg-success/10 p-3 text-sm">
        <CircleCheckIcon className="mt-0.5 size-4 shrink-0 text-success" />
        <span>
          Connected to <strong>{result.appName}</strong> {result.version}
          {result.instanceName && result.instanceName !== result.appName ? <span className="text-muted"> ({result.instanceName})</span> : null}
        </span>
      </div>
    );
  }
  const certificate = result.category === "tls" ? result.certificate : null;
  return (
    <div ref={panel} role="alert" className="flex scroll-mb-24 flex-col gap-3 rounded-md border border-danger/40 bg-danger/10 p-3 text-sm">
      <div className="flex items-start gap-2">
        <CircleXIcon className="mt-0.5 size-4 shrink-0 text-danger" />
        <div className="flex flex-col gap-0.5">
          <span className="font-medium text-danger">{failureCategoryLabel(result.category)}</span>
          <span>{result.message}</span>
        </div>
      </div>
      {certificate && onTrustCertificate ? (
        <div className="flex flex-col gap-2 rounded-md border border-border bg-background/60 p-3">
          <p className="flex items-center gap-2 font-medium">
            <ShieldAlertIcon className="size-4 text-warning" /> Certificate presented{certificate.selfSigned ? " (self-signed)" : ""}
          </p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
            {certificate.subject ? (
              <>
                <dt className="text-muted">Issued to</dt>
                <dd>{certificate.subject}</dd>
              </>
            ) : null}
            {certificate.issuer ? (
              <>
                <dt className="text-muted">Issued by</dt>
                <dd>{certificate.issuer}</dd>
              </>
            ) : null}
            {certificate.validTo ? (
              <>
                <dt className="text-muted">Valid until</dt>
                <dd>{certificate.validTo}</dd>
              </>
            ) : null}
            <dt className="text-muted">SHA-256</dt>
            <dd className="break-all font-mono">{certificate.sha256}</dd>
          </dl>
          <p className="text-xs text-muted">Trust it only if this is your server&apos;s certificate. Optimizarr will accept this exact certificate for this connection and nothing else.</p>
          <div>
            <Button type="button" size="sm" onClick={() => onTrustCertificate(certificate.sha256)} disabled={trusting}>
              {trusting ? <Spinner /> : null} Trust this certificate
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
