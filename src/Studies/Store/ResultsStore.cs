using System.Globalization;
using System.Text.Json;
using BoundLab.Studies.Results;
using Microsoft.Data.Sqlite;

namespace BoundLab.Studies.Store;

/// <summary>A study's SQLite store, DIR/study.sqlite (WAL journal, busy timeout): runs, per-epoch metrics, measures and
/// bounds. Every write is one transaction, and a run's final record (status, errors, measures, bounds) is one transaction, so a
/// kill (kill -9 included) leaves either the whole record or none of it. Numbers are float64 and read back bit-identical, except
/// that −0 reads back as +0 (SQLite keeps a whole-number REAL as an integer).</summary>
public sealed class ResultsStore : IDisposable
{
    /// <summary>The store's file name in a study folder.</summary>
    public const string FileName = "study.sqlite";

    private readonly SqliteConnection _db;

    private ResultsStore(string path, SqliteConnection db)
    {
        Path = path;
        _db = db;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating when absent) the store in <paramref name="dir"/>.</summary>
    public static ResultsStore Open(string dir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        string path = System.IO.Path.Combine(System.IO.Path.GetFullPath(dir), FileName);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        db.Open();
        var store = new ResultsStore(path, db);
        try
        {
            store.Exec("PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
            store.Exec(StoreSchema.Create);
            string? format = store.Meta("format");
            if (format is null)
            {
                store.SetMeta("format", StoreSchema.Format.ToString(CultureInfo.InvariantCulture));
            }
            else if (format != StoreSchema.Format.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidDataException($"{path} is a study store of format {format}; this build reads format {StoreSchema.Format}.");
            }
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    /// <summary>Whether <paramref name="dir"/> holds a store.</summary>
    public static bool Exists(string dir) => File.Exists(System.IO.Path.Combine(dir, FileName));

    /// <summary>Loads every finished and failed run of the store in <paramref name="dir"/> (runs being trained are left out).</summary>
    public static StudyResults Load(string dir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        if (!Exists(dir))
        {
            throw new FileNotFoundException($"{dir} holds no study store ({FileName}); run boundlab study --out {dir} first.",
                System.IO.Path.Combine(dir, FileName));
        }

        using ResultsStore store = Open(dir);
        return store.Load();
    }

    /// <summary>The study's name, file text and axes (null before <see cref="SetStudy"/>).</summary>
    public (string Name, string SpecJson, IReadOnlyList<string> Axes)? Study
        => Meta("name") is { } name
            ? (name, Meta("spec")!, JsonSerializer.Deserialize<string[]>(Meta("axes")!)!)
            : null;

    /// <summary>Records the study this store holds (one transaction).</summary>
    public void SetStudy(string name, string specJson, IReadOnlyList<string> axes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(specJson);
        ArgumentNullException.ThrowIfNull(axes);
        using SqliteTransaction tx = _db.BeginTransaction();
        SetMeta("name", name, tx);
        SetMeta("spec", specJson, tx);
        SetMeta("axes", JsonSerializer.Serialize(axes), tx);
        tx.Commit();
    }

    /// <summary>Run id → status ("running", "finished", "failed").</summary>
    public IReadOnlyDictionary<string, string> Statuses()
    {
        using SqliteCommand c = Command("SELECT id, status FROM runs");
        using SqliteDataReader r = c.ExecuteReader();
        var result = new Dictionary<string, string>();
        while (r.Read())
        {
            result[r.GetString(0)] = r.GetString(1);
        }

        return result;
    }

    /// <summary>Marks a run as being trained; <paramref name="fresh"/> also deletes what an earlier attempt recorded
    /// (epochs, measures, bounds), for a run that starts from its first epoch. One transaction.</summary>
    public void Begin(string id, IReadOnlyDictionary<string, string> axes, string configJson, bool fresh)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(configJson);
        using SqliteTransaction tx = _db.BeginTransaction();
        if (fresh)
        {
            DeleteRecords(id, tx);
        }

        Exec("""
            INSERT INTO runs(id, axes, config, status, error, train_error, test_error, metrics, timing, updated_utc)
            VALUES ($id, $axes, $config, 'running', NULL, NULL, NULL, NULL, NULL, $now)
            ON CONFLICT(id) DO UPDATE SET axes = $axes, config = $config, status = 'running', error = NULL, train_error = NULL,
                test_error = NULL, metrics = NULL, timing = NULL, updated_utc = $now
            """, tx, ("$id", id), ("$axes", AxesJson(axes)), ("$config", configJson), ("$now", Now()));
        tx.Commit();
    }

    /// <summary>Records one epoch (its metrics, cheap measures and bounds), replacing an earlier record of the same epoch
    /// (a run resumed from its checkpoint retrains the epochs after it, bit-identically). One transaction.</summary>
    public void WriteEpoch(string id, EpochRow row)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(row);
        using SqliteTransaction tx = _db.BeginTransaction();
        Exec("INSERT OR REPLACE INTO epochs(run_id, epoch, train_loss, train_error, test_error) VALUES ($id, $e, $l, $tr, $te)", tx,
            ("$id", id), ("$e", row.Epoch), ("$l", Finite(row.TrainLoss, "train_loss")), ("$tr", Finite(row.TrainError, "train_error")),
            ("$te", Finite(row.TestError, "test_error")));
        WriteEvaluation(id, row.Epoch, row.Measures, row.Bounds, tx);
        tx.Commit();
    }

    /// <summary>Keeps only the epochs up to <paramref name="lastEpoch"/> (those a resumed checkpoint holds). One transaction.</summary>
    public void TruncateEpochs(string id, int lastEpoch)
    {
        using SqliteTransaction tx = _db.BeginTransaction();
        foreach (string table in (string[])["epochs", "measures", "bounds"])
        {
            Exec($"DELETE FROM {table} WHERE run_id = $id AND epoch > $e", tx, ("$id", id), ("$e", lastEpoch));
        }

        tx.Commit();
    }

    /// <summary>The run's final record, in one transaction: status finished, final errors, metrics, timing, measures, bounds.</summary>
    public void Finish(string id, double trainError, double testError, IReadOnlyDictionary<string, double> metrics,
        IReadOnlyDictionary<string, double> timing, RunEvaluation final)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(timing);
        ArgumentNullException.ThrowIfNull(final);
        using SqliteTransaction tx = _db.BeginTransaction();
        Exec("DELETE FROM measures WHERE run_id = $id AND epoch = 0; DELETE FROM bounds WHERE run_id = $id AND epoch = 0", tx, ("$id", id));
        WriteEvaluation(id, 0, final.Measures, final.Bounds, tx);
        int n = Exec("""
            UPDATE runs SET status = 'finished', error = NULL, train_error = $tr, test_error = $te, metrics = $m, timing = $t, updated_utc = $now
            WHERE id = $id
            """, tx, ("$id", id), ("$tr", Finite(trainError, "train_error")), ("$te", Finite(testError, "test_error")),
            ("$m", NumbersJson(metrics)), ("$t", NumbersJson(timing)), ("$now", Now()));
        if (n != 1)
        {
            throw new InvalidOperationException($"run {id} was not begun in {Path}; call Begin first.");
        }

        tx.Commit();
    }

    /// <summary>Records a failed run with its error (one line), in one transaction; its epochs so far are kept.</summary>
    public void Fail(string id, string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(error);
        using SqliteTransaction tx = _db.BeginTransaction();
        Exec("DELETE FROM measures WHERE run_id = $id AND epoch = 0; DELETE FROM bounds WHERE run_id = $id AND epoch = 0", tx, ("$id", id));
        Exec("UPDATE runs SET status = 'failed', error = $err, train_error = NULL, test_error = NULL, metrics = NULL, updated_utc = $now WHERE id = $id",
            tx, ("$id", id), ("$err", error.ReplaceLineEndings(" ")), ("$now", Now()));
        tx.Commit();
    }

    /// <summary>Marks every run whose id is not in <paramref name="current"/> — a run of another code version or of an
    /// edited study file — as superseded, and a current one as not, in one transaction: a superseded run keeps its status,
    /// records and folder, but <see cref="Load()"/> (so the report, results.json and merge) leaves it out. Returns how many
    /// runs are superseded now.</summary>
    public int Supersede(IReadOnlySet<string> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        string[] ids = [.. Statuses().Keys.Order(StringComparer.Ordinal)];
        using SqliteTransaction tx = _db.BeginTransaction();
        int stale = 0;
        foreach (string id in ids)
        {
            if (current.Contains(id))
            {
                Exec("DELETE FROM superseded WHERE run_id = $id", tx, ("$id", id));
            }
            else
            {
                Exec("INSERT OR IGNORE INTO superseded(run_id) VALUES ($id)", tx, ("$id", id));
                stale++;
            }
        }

        tx.Commit();
        return stale;
    }

    /// <summary>Copies a loaded run (from another store) into this one, replacing nothing: one transaction.</summary>
    public void Import(StudyRun run, string? metricsJson, string? timingJson)
    {
        ArgumentNullException.ThrowIfNull(run);
        using SqliteTransaction tx = _db.BeginTransaction();
        Exec("""
            INSERT INTO runs(id, axes, config, status, error, train_error, test_error, metrics, timing, updated_utc)
            VALUES ($id, $axes, $config, $status, $err, $tr, $te, $m, $t, $now)
            """, tx, ("$id", run.Id), ("$axes", AxesJson(run.Axes)), ("$config", run.ConfigJson), ("$status", run.Status), ("$err", run.Error),
            ("$tr", run.TrainError), ("$te", run.TestError), ("$m", metricsJson), ("$t", timingJson), ("$now", Now()));
        foreach (EpochRow e in run.Epochs)
        {
            Exec("INSERT INTO epochs(run_id, epoch, train_loss, train_error, test_error) VALUES ($id, $e, $l, $tr, $te)", tx,
                ("$id", run.Id), ("$e", e.Epoch), ("$l", e.TrainLoss), ("$tr", e.TrainError), ("$te", e.TestError));
            WriteEvaluation(run.Id, e.Epoch, e.Measures, e.Bounds, tx);
        }

        if (run.Status == "finished")
        {
            WriteEvaluation(run.Id, 0, run.Measures, run.Bounds, tx);
        }

        tx.Commit();
    }

    /// <summary>The metrics and timing JSON of a run (what <see cref="StudyRun"/> does not carry), for merging stores.</summary>
    public (string? Metrics, string? Timing) Extras(string id)
    {
        using SqliteCommand c = Command("SELECT metrics, timing FROM runs WHERE id = $id", null, ("$id", id));
        using SqliteDataReader r = c.ExecuteReader();
        return r.Read() ? (r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)) : (null, null);
    }

    /// <summary>Every finished and failed run, in id order, with the study's name, file and axes.</summary>
    public StudyResults Load()
    {
        var (name, spec, axes) = Study ?? ("", "", Array.Empty<string>());
        var epochs = Epochs();
        var measures = Measures();
        var bounds = Bounds();
        var runs = new List<StudyRun>();
        using (SqliteCommand c = Command("SELECT id, axes, config, status, error, train_error, test_error FROM runs WHERE status <> 'running' AND id NOT IN (SELECT run_id FROM superseded) ORDER BY id"))
        using (SqliteDataReader r = c.ExecuteReader())
        {
            while (r.Read())
            {
                string id = r.GetString(0);
                var runEpochs = epochs.GetValueOrDefault(id, []).OrderBy(e => e.Epoch)
                    .Select(e => e with
                    {
                        Measures = measures.GetValueOrDefault((id, e.Epoch)) ?? new SortedDictionary<string, double>(StringComparer.Ordinal),
                        Bounds = bounds.GetValueOrDefault((id, e.Epoch)) ?? [],
                    }).ToArray();
                runs.Add(new StudyRun(id, JsonSerializer.Deserialize<SortedDictionary<string, string>>(r.GetString(1))!, r.GetString(2), r.GetString(3),
                    r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetDouble(5), r.IsDBNull(6) ? null : r.GetDouble(6),
                    measures.GetValueOrDefault((id, 0)) ?? new SortedDictionary<string, double>(StringComparer.Ordinal),
                    bounds.GetValueOrDefault((id, 0)) ?? [], runEpochs));
            }
        }

        return new StudyResults(name, spec, axes, runs);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _db.Dispose();
    }

    private Dictionary<string, List<EpochRow>> Epochs()
    {
        var result = new Dictionary<string, List<EpochRow>>();
        using SqliteCommand c = Command("SELECT run_id, epoch, train_loss, train_error, test_error FROM epochs");
        using SqliteDataReader r = c.ExecuteReader();
        while (r.Read())
        {
            string id = r.GetString(0);
            if (!result.TryGetValue(id, out var list))
            {
                result[id] = list = [];
            }

            list.Add(new EpochRow(r.GetInt32(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), new Dictionary<string, double>(), []));
        }

        return result;
    }

    private Dictionary<(string, int), SortedDictionary<string, double>> Measures()
    {
        var result = new Dictionary<(string, int), SortedDictionary<string, double>>();
        using SqliteCommand c = Command("SELECT run_id, epoch, name, value FROM measures");
        using SqliteDataReader r = c.ExecuteReader();
        while (r.Read())
        {
            var key = (r.GetString(0), r.GetInt32(1));
            if (!result.TryGetValue(key, out var m))
            {
                result[key] = m = new SortedDictionary<string, double>(StringComparer.Ordinal);
            }

            m[r.GetString(2)] = r.GetDouble(3);
        }

        return result;
    }

    private Dictionary<(string, int), List<BoundRow>> Bounds()
    {
        var result = new Dictionary<(string, int), List<BoundRow>>();
        using SqliteCommand c = Command(
            "SELECT run_id, epoch, entry, family, provenance, target, status, value, vacuous, reason, delta FROM bounds ORDER BY run_id, epoch, position");
        using SqliteDataReader r = c.ExecuteReader();
        while (r.Read())
        {
            var key = (r.GetString(0), r.GetInt32(1));
            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }

            list.Add(new BoundRow(r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.IsDBNull(7) ? null : r.GetDouble(7), r.IsDBNull(8) ? null : r.GetInt64(8) != 0, r.IsDBNull(9) ? null : r.GetString(9),
                r.IsDBNull(10) ? null : r.GetDouble(10)));
        }

        return result;
    }

    private void WriteEvaluation(string id, int epoch, IReadOnlyDictionary<string, double> measures, IReadOnlyList<BoundRow> bounds, SqliteTransaction tx)
    {
        ArgumentNullException.ThrowIfNull(measures);
        ArgumentNullException.ThrowIfNull(bounds);
        foreach ((string name, double value) in measures)
        {
            Exec("INSERT OR REPLACE INTO measures(run_id, epoch, name, value) VALUES ($id, $e, $n, $v)", tx,
                ("$id", id), ("$e", epoch), ("$n", name), ("$v", Finite(value, $"measure {name}")));
        }

        int position = 0;
        foreach (BoundRow b in bounds)
        {
            Exec("""
                INSERT OR REPLACE INTO bounds(run_id, epoch, position, entry, family, provenance, target, status, value, vacuous, reason, delta)
                VALUES ($id, $e, $p, $entry, $f, $prov, $t, $s, $v, $vac, $r, $d)
                """, tx, ("$id", id), ("$e", epoch), ("$p", position++), ("$entry", b.Id), ("$f", b.Family), ("$prov", b.Provenance),
                ("$t", b.Target), ("$s", b.Status), ("$v", b.Value is { } v ? Finite(v, $"bound {b.Id}") : null),
                ("$vac", b.Vacuous is { } x ? (x ? 1 : 0) : null), ("$r", b.Reason), ("$d", b.Delta));
        }
    }

    private void DeleteRecords(string id, SqliteTransaction tx)
    {
        foreach (string table in (string[])["epochs", "measures", "bounds"])
        {
            Exec($"DELETE FROM {table} WHERE run_id = $id", tx, ("$id", id));
        }
    }

    private static double Finite(double v, string what)
        => double.IsFinite(v) ? v : throw new ArgumentException($"{what} is {v}; the store holds finite numbers only.", nameof(v));

    private static string AxesJson(IReadOnlyDictionary<string, string> axes)
        => JsonSerializer.Serialize(new SortedDictionary<string, string>(axes.ToDictionary(), StringComparer.Ordinal));

    private static string NumbersJson(IReadOnlyDictionary<string, double> values)
        => JsonSerializer.Serialize(new SortedDictionary<string, double>(
            values.ToDictionary(kv => kv.Key, kv => Finite(kv.Value, kv.Key)), StringComparer.Ordinal));

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private string? Meta(string key)
    {
        using SqliteCommand c = Command("SELECT value FROM meta WHERE key = $k", null, ("$k", key));
        return c.ExecuteScalar() as string;
    }

    private void SetMeta(string key, string value, SqliteTransaction? tx = null)
        => Exec("INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)", tx, ("$k", key), ("$v", value));

    private int Exec(string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] args)
    {
        using SqliteCommand c = Command(sql, tx, args);
        return c.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] args)
    {
        SqliteCommand c = _db.CreateCommand();
        c.CommandText = sql;
        c.Transaction = tx;
        foreach ((string n, object? v) in args)
        {
            c.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }

        return c;
    }
}
