import { CircleCheckIcon, CircleXIcon, TriangleAlertIcon } from "lucide-react";
import type { RouterOutputs } from "~/trpc/react";
import { cn } from "~/lib/utils";

type HealthResult = RouterOutputs["system"]["status"]["health"][number];

const LEVEL_STYLE = {
  error: { icon: CircleXIcon, className: "text-danger", label: "Error" },
  warning: { icon: TriangleAlertIcon, className: "text-warning", label: "Warning" },
  ok: { icon: CircleCheckIcon, className: "text-success", label: "OK" },
} as const satisfies Record<HealthResult["level"], unknown>;

/** Problems listed the way Sonarr's System → Status does: icon, message, what to do. */
export function HealthList({ results }: { results: HealthResult[] }) {
  const problems = results.filter((result) => result.level !== "ok");
  const passed = results.filter((result) => result.level === "ok");
  return (
    <div className="flex flex-col gap-3">
      {problems.length === 0 ? (
        <p className="flex items-center gap-2 text-sm text-success">
          <CircleCheckIcon className="size-4" /> No problems found.
        </p>
      ) : (
        <ul className="divide-y divide-border overflow-hidden rounded-md border border-border">
          {problems.map((result) => (
            <HealthRow key={result.id} result={result} />
          ))}
        </ul>
      )}
      {passed.length > 0 ? (
        <details className="text-sm">
          <summary className="cursor-pointer text-muted hover:text-foreground">{passed.length} checks passed</summary>
          <ul className="mt-2 divide-y divide-border overflow-hidden rounded-md border border-border">
            {passed.map((result) => (
              <HealthRow key={result.id} result={result} />
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function HealthRow({ result }: { result: HealthResult }) {
  const style = LEVEL_STYLE[result.level];
  const Icon = style.icon;
  return (
    <li className="flex gap-3 bg-surface px-4 py-3">
      <Icon className={cn("mt-0.5 size-4 shrink-0", style.className)} aria-label={style.label} />
      <div className="min-w-0">
        <p className="break-words text-sm">{result.message}</p>
        {result.hint ? <p className="mt-0.5 text-xs text-muted">{result.hint}</p> : null}
      </div>
    </li>
  );
}
