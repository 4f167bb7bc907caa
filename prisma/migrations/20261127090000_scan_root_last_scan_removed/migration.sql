-- AlterTable
ALTER TABLE "ScanRoot" ADD COLUMN "lastScanRemoved" INTEGER;

