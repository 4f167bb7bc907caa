/** Environment every Optimizarr process gets unless the user set it: no telemetry, no network. */
export function applyEnvDefaults(env = process.env) {
  env.NEXT_TELEMETRY_DISABLED ??= "1";
  env.CHECKPOINT_DISABLE ??= "1";
  env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
  env.AUTH_TRUST_HOST ??= "true";
  return env;
}
