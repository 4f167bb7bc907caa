import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { BackupError, type BackupErrorKind } from "~/server/backup/backup-errors";
import { pendingRestoreManifestPath, pendingRestorePath } from "~/server/backup/backup-files";
import { lastScheduledBackupStartedAt, nextScheduledBackupAt, rescheduleBackups } from "~/server/backup/backup-schedule";
import { createBackup, deleteBackup, listBackups } from "~/server/backup/backup-service";
import { backupSettingsUpdateSchema, getBackupSettings, updateBackupSettings } from "~/server/backup/backup-settings";
import { cancelPendingRestore, pendingRestore } from "~/server/backup/restore";

const TRPC_CODE_OF_KIND = {
  not_found: "NOT_FOUND",
  invalid_archive: "BAD_REQUEST",
  too_large: "PAYLOAD_TOO_LARGE",
  not_optimizarr: "UNPROCESSABLE_CONTENT",
  newer_version: "UNPROCESSABLE_CONTENT",
  confirmation_required: "CONFLICT",
  unsupported_database: "NOT_IMPLEMENTED",
  already_set_up: "CONFLICT",
  wrong_secret_key: "UNPROCESSABLE_CONTENT",
} as const satisfies Record<BackupErrorKind, TRPCError["code"]>;

/** BackupError → a TRPCError with its message (they name no path); anything else propagates as an internal error. */
async function mapBackupErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackupError) throw new TRPCError({ code: TRPC_CODE_OF_KIND[error.kind], message: error.message, cause: error });
    throw error;
  }
}

const restorePaths = () => ({ pendingDatabase: pendingRestorePath(), pendingManifest: pendingRestoreManifestPath() });

const backupName = z.string().min(1).max(200);

/** System → Backup. Archives are listed by name, kind, date and size only; files move through /api/backups/*. */
export const backupRouter = createTRPCRouter({
  list: protectedProcedure.query(() => listBackups()),

  /** "Back up now". */
  create: protectedProcedure.mutation(() => mapBackupErrors(() => createBackup("manual"))),

  delete: protectedProcedure.input(z.object({ name: backupName })).mutation(({ input }) =>
    mapBackupErrors(() => {
      deleteBackup(input.name);
      return { deleted: input.name };
    }),
  ),

  settings: protectedProcedure.query(async ({ ctx }) => ({
    ...(await getBackupSettings(ctx.db)),
    lastRunAt: lastScheduledBackupStartedAt(),
    nextRunAt: nextScheduledBackupAt(),
  })),

  updateSettings: protectedProcedure.input(backupSettingsUpdateSchema).mutation(async ({ ctx, input }) => {
    const settings = await updateBackupSettings(ctx.db, input);
    await rescheduleBackups();
    return { ...settings, lastRunAt: lastScheduledBackupStartedAt(), nextRunAt: nextScheduledBackupAt() };
  }),

  /** A restore staged by an upload, waiting for the next start. */
  pendingRestore: protectedProcedure.query(() => {
    const pending = pendingRestore(restorePaths());
    if (!pending) return null;
    return { backupCreatedAt: pending.manifest?.createdAt ?? null, appVersion: pending.manifest?.appVersion ?? null };
  }),

  cancelRestore: protectedProcedure.mutation(() => ({ cancelled: cancelPendingRestore(restorePaths()) })),
});
