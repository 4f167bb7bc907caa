/**
 * ffmpeg's `-progress pipe:1` output → progress for the UI. ffmpeg writes `key=value` lines in
 * blocks that end with `progress=continue` (or `progress=end` once), about twice a second; a pipe
 * chunk can end anywhere, even mid-line, so lines are buffered. Quirks handled: `out_time_ms` is
 * in microseconds like `out_time_us` (a historical ffmpeg bug kept for compatibility), and every
 * value can be `N/A` before the first frame is out.
 */
export interface EncodeProgress {
  /** 0–100 */
  percent: number;
  fps: number | null;
  /** 1.5 = 1.5× real time */
  speed: number | null;
  etaSeconds: number | null;
  outTimeSeconds: number;
  outputBytes: number | null;
}

function finite(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const trimmed = raw.trim();
  if (trimmed === "" || trimmed === "N/A") return null;
  const value = Number(trimmed.replace(/x$/, ""));
  return Number.isFinite(value) ? value : null;
}

/** "01:02:03.500000" (or "-00:00:00.02" before the first frame) → seconds. */
function clockSeconds(raw: string | undefined): number | null {
  const match = /^(-)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(raw?.trim() ?? "");
  if (!match) return null;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
  return match[1] ? -seconds : seconds;
}

function outTime(values: Map<string, string>): number | null {
  const micros = finite(values.get("out_time_us")) ?? finite(values.get("out_time_ms"));
  if (micros !== null) return micros / 1_000_000;
  return clockSeconds(values.get("out_time"));
}

export function createProgressParser(totalSeconds: number, onProgress: (progress: EncodeProgress) => void): (chunk: string) => void {
  let pending = "";
  let block = new Map<string, string>();
  let lastOutTime = 0;

  const emit = (ended: boolean) => {
    const time = outTime(block);
    if (time !== null && time > lastOutTime) lastOutTime = time;
    const speed = finite(block.get("speed"));
    const fps = finite(block.get("fps"));
    const outputBytes = finite(block.get("total_size"));
    const known = totalSeconds > 0 && Number.isFinite(totalSeconds);
    const percent = ended ? 100 : known ? Math.min(100, Math.max(0, (lastOutTime / totalSeconds) * 100)) : 0;
    const remaining = known ? Math.max(0, totalSeconds - lastOutTime) : null;
    const etaSeconds = ended ? 0 : remaining !== null && speed !== null && speed > 0 ? remaining / speed : null;
    onProgress({
      percent: Math.round(percent * 10) / 10,
      fps: fps !== null && fps >= 0 ? fps : null,
      speed: speed !== null && speed >= 0 ? speed : null,
      etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds),
      outTimeSeconds: lastOutTime,
      outputBytes: outputBytes !== null && outputBytes >= 0 ? outputBytes : null,
    });
    block = new Map();
  };

  return (chunk: string) => {
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const separator = line.indexOf("=");
      if (separator <= 0) continue;
      const key = line.slice(0, separator).trim();
      const value = line.slice(separator + 1).trim();
      if (key === "progress") emit(value === "end");
      else block.set(key, value);
    }
  };
}
