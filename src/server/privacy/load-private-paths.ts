import "server-only";
import type { Database } from "~/server/db";
import { beginPrivateFoldersReload, folderOf, replacePrivateFolders } from "./private-paths";

const PAGE = 20_000;

/**
 * Reads every private folder from the database into the scrubbing registry: at startup, and after a
 * source turned public (the only time the registry shrinks). Private items are read in id pages of
 * paths only, so a million-item library costs a few seconds and little memory.
 */
export async function reloadPrivatePaths(db: Database): Promise<void> {
  beginPrivateFoldersReload();
  const roots = await db.scanRoot.findMany({
    where: { OR: [{ private: true }, { externalConnection: { private: true } }] },
    select: { path: true },
  });
  const folders = new Set<string>();
  let afterId = 0;
  for (;;) {
    const rows = await db.queueItem.findMany({ where: { private: true, id: { gt: afterId } }, select: { id: true, filePath: true }, orderBy: { id: "asc" }, take: PAGE });
    for (const row of rows) folders.add(folderOf(row.filePath));
    if (rows.length < PAGE) break;
    afterId = rows[rows.length - 1]!.id;
  }
  replacePrivateFolders([...roots.map((root) => root.path), ...folders]);
}
