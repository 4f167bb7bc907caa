// pino-roll ships no types; this is the part Optimizarr uses.
declare module "pino-roll" {
  import type { DestinationStream } from "pino";
  interface PinoRollOptions {
    file: string | (() => string);
    size?: number | string;
    frequency?: "daily" | "hourly" | number;
    extension?: string;
    mkdir?: boolean;
    symlink?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    dateFormat?: string;
    /** Passed on to SonicBoom: the mode new log files are opened with. */
    mode?: number;
  }
  export default function pinoRoll(options: PinoRollOptions): Promise<DestinationStream>;
}
