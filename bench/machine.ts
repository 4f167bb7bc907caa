import os from "node:os";

/** What a report needs to say about the machine its figures came from. */
export interface Machine {
  cpuModel: string;
  cpuCount: number;
  memoryBytes: number;
  node: string;
  os: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown CPU",
    cpuCount: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
  };
}

/** The 1, 5 and 15 minute load averages: how much else wanted the cores while a bench ran. */
export const loadAverage = (): [number, number, number] => {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return [one, five, fifteen];
};
