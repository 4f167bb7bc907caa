-- AlterTable
ALTER TABLE "ScanRoot" ADD COLUMN "scanIntervalMinutes" INTEGER;

