import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A real `next start` of the existing production build (`.next`, from `npx next build`), on a
 * throwaway data dir and a free port on 127.0.0.1: for e2e specs that need a server of their own
 * (a fresh install, or one they may throttle) beside the shared one from playwright.config.ts.
 * Migrated first, as `npm start` does; never rebuilt (the e2e run builds first).
 */
const REPO = path.resolve(__dirname, "../..");

export interface NextServer {
  origin: string;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no free port");
  return address.port;
}

export async function startNextServer(extraEnv: Record<string, string> = {}): Promise<NextServer> {
  if (!fs.existsSync(path.join(REPO, ".next", "BUILD_ID"))) throw new Error("No production build: run `npx next build` first");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-next-start-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    AUTH_TRUST_HOST: "true",
    DATA_DIR: dataDir,
    DATABASE_URL: `file:${path.join(dataDir, "optimizarr.db")}`,
    LOG_LEVEL: "warn",
    LOG_TO_FILE: "false",
    ...extraEnv,
  };
  for (const name of ["SECRET_KEY", "AUTH_SECRET", "OPTIMIZARR_API_KEY", "ADMIN_USERNAME", "ADMIN_PASSWORD", "TRUSTED_PROXIES", "PUBLIC_URL"]) {
    if (!(name in extraEnv)) delete env[name];
  }
  const migrate = spawnSync(path.join(REPO, "node_modules/.bin/prisma"), ["migrate", "deploy"], { cwd: REPO, env, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`prisma migrate deploy failed: ${migrate.stderr}`);

  const child = spawn(path.join(REPO, "node_modules/.bin/next"), ["start", "-H", "127.0.0.1", "-p", String(port)], { cwd: REPO, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}): ${stderr}`);
    const healthy = await fetch(`${origin}/api/health`).then((response) => response.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer within 90 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { origin, port, dataDir, stop };
}
