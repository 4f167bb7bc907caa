import "server-only";
import BetterSqlite3 from "better-sqlite3";
import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

/**
 * The app has ONE SQLite connection, and SQLite transactions belong to the connection, not to the
 * caller: while an interactive transaction (`db.$transaction(async (tx) => …)`) awaits between its
 * statements, any other query on that connection runs inside it. The better-sqlite3 adapter only
 * makes transactions wait for each other, so a plain query from another request could still slip
 * in: its write "succeeded" and then vanished when the transaction rolled back, and its reads saw
 * rows that were never committed.
 *
 * So every use of the connection waits its turn here, in the adapter every Prisma query passes
 * through: a transaction (interactive or batch) holds the turn from BEGIN until COMMIT/ROLLBACK, and
 * a query outside one holds it for its own statement (synchronous in better-sqlite3, so
 * microseconds). Nothing can interleave with an open transaction, whichever module it comes from,
 * and no call site has to remember a wrapper. Cheaper alternatives fall short: locking writers
 * only still lets readers see uncommitted rows, and banning interactive transactions would mean
 * rewriting every read-then-write as one batch.
 *
 * The price: a query waits while a transaction is open, so transactions stay short (the queue
 * writer holds one per batch of 2,000 files, not per sync). Inside a transaction callback, use
 * `tx`, never `db`: a `db` query there waits for the very transaction it sits in, until that
 * transaction's timeout rolls it back.
 */
type AdapterFactory = PrismaBetterSQLite3;
type Adapter = Awaited<ReturnType<AdapterFactory["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/** First come, first served; `acquire` resolves to the function that hands the turn on. */
export class ConnectionTurns {
  #last: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#last;
    this.#last = previous.then(() => released);
    return previous.then(() => once(release));
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/**
 * The adapter factory Prisma is given: the same connection, with every use taking its turn.
 * `onConnect` sees the app's better-sqlite3 connection itself as soon as the adapter opens it,
 * before any query: per-connection settings (PRAGMAs) go there, since the adapter opens its own.
 */
export function serialisedAdapter(
  factory: AdapterFactory,
  onConnect: (sqlite: BetterSqlite3.Database) => void = () => {},
): Pick<AdapterFactory, "provider" | "adapterName" | "connect" | "connectToShadowDb"> {
  const serialise = (adapter: Adapter): Adapter => {
    const turns = new ConnectionTurns();
    return {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      queryRaw: (query) => turns.run(() => adapter.queryRaw(query)),
      executeRaw: (query) => turns.run(() => adapter.executeRaw(query)),
      executeScript: (script) => turns.run(() => adapter.executeScript(script)),
      getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
      dispose: () => turns.run(() => adapter.dispose()),
      startTransaction: async (isolationLevel) => {
        const release = await turns.acquire();
        try {
          return holdingTurn(await adapter.startTransaction(isolationLevel), release);
        } catch (error) {
          release();
          throw error;
        }
      },
    };
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      onConnect(sqliteConnectionOf(adapter));
      return serialise(adapter);
    },
    connectToShadowDb: async () => serialise(await factory.connectToShadowDb()),
  };
}

/**
 * The adapter keeps its better-sqlite3 connection in a `client` field its type declarations leave
 * out (@prisma/adapter-better-sqlite3 6.19). Checked, not assumed: an adapter that stops keeping it
 * there fails at the first connect, in every test, rather than running without its settings.
 */
function sqliteConnectionOf(adapter: Adapter): BetterSqlite3.Database {
  const client: unknown = Reflect.get(adapter, "client");
  if (!(client instanceof BetterSqlite3)) throw new Error("The Prisma SQLite adapter no longer exposes its better-sqlite3 connection as `client`");
  return client;
}

/** The transaction's own statements run straight through; the turn passes on when it ends. */
function holdingTurn(transaction: Transaction, release: () => void): Transaction {
  return {
    provider: transaction.provider,
    adapterName: transaction.adapterName,
    options: transaction.options,
    queryRaw: (query) => transaction.queryRaw(query),
    executeRaw: (query) => transaction.executeRaw(query),
    commit: () => transaction.commit().finally(release),
    rollback: () => transaction.rollback().finally(release),
  };
}
