namespace BoundLab.Studies.Store;

/// <summary>The tables of study.sqlite. Epoch 0 in measures and bounds is the finished run; 1, 2, … are the epochs.
/// <c>superseded</c> lists runs of another code version or study file: kept, but left out of what is loaded.</summary>
internal static class StoreSchema
{
    /// <summary>The layout this build writes and reads.</summary>
    public const int Format = 1;

    /// <summary>CREATE statements (idempotent).</summary>
    public const string Create = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS runs(
            id TEXT PRIMARY KEY,
            axes TEXT NOT NULL,
            config TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
            error TEXT,
            train_error REAL,
            test_error REAL,
            metrics TEXT,
            timing TEXT,
            updated_utc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS epochs(
            run_id TEXT NOT NULL REFERENCES runs(id),
            epoch INTEGER NOT NULL CHECK (epoch >= 1),
            train_loss REAL NOT NULL,
            train_error REAL NOT NULL,
            test_error REAL NOT NULL,
            PRIMARY KEY (run_id, epoch));
        CREATE TABLE IF NOT EXISTS measures(
            run_id TEXT NOT NULL REFERENCES runs(id),
            epoch INTEGER NOT NULL,
            name TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (run_id, epoch, name));
        CREATE TABLE IF NOT EXISTS bounds(
            run_id TEXT NOT NULL REFERENCES runs(id),
            epoch INTEGER NOT NULL,
            position INTEGER NOT NULL,
            entry TEXT NOT NULL,
            family TEXT NOT NULL,
            provenance TEXT NOT NULL,
            target TEXT NOT NULL,
            status TEXT NOT NULL,
            value REAL,
            vacuous INTEGER,
            reason TEXT,
            delta REAL,
            PRIMARY KEY (run_id, epoch, entry));
        CREATE TABLE IF NOT EXISTS superseded(run_id TEXT PRIMARY KEY REFERENCES runs(id));
        """;
}
