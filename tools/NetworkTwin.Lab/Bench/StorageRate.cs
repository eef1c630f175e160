using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Sync;
using Npgsql;
using NpgsqlTypes;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// The storage's own speed beside the coordinator's, in the same run: plain batched inserts of rows like the uplink's
/// (same columns and sizes, primary key only, one transaction per batch) and the repository's <c>Store</c> called
/// directly, without gRPC. Ingest over gRPC against these two says where the uplink path loses time.
/// </summary>
internal static class StorageRate
{
    /// <summary>
    /// A result as an agent of the bench sends it: a link capacity result stamped now, as live agents stamp theirs. (Stamped
    /// with its sequence instead, every agent's results fall on the same 500 instants and each batch touches 100 scattered
    /// pages of the time index: that measured the bench, not the product, at a third of the rate.)
    /// </summary>
    public static Result BenchResult(long sequence) => new()
    {
        Sequence = sequence,
        ProducedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        WindowEndSeconds = sequence,
        Link = new LinkCapacity { LinkId = 1 + (int)(sequence % 3), CapacityGbps = 40 + (sequence % 7), PeakGbps = 90, MeanGbps = 18 },
    };

    /// <summary>One agent's results 1..<paramref name="each"/> in batches of at most <paramref name="batch"/>, each made as it is taken.</summary>
    public static IEnumerable<List<Result>> Batches(int each, int batch)
    {
        for (var start = 1; start <= each; start += batch)
        {
            yield return [.. Enumerable.Range(start, Math.Min(batch, each - start + 1)).Select(s => BenchResult(s))];
        }
    }

    private const string PlainTable = """
        CREATE TABLE plain (
            agent_id TEXT NOT NULL,
            sequence BIGINT NOT NULL,
            produced_unix_ms BIGINT NOT NULL,
            kind TEXT NOT NULL,
            payload {bytes} NOT NULL,
            received_at TEXT NOT NULL,
            link_id INTEGER,
            PRIMARY KEY (agent_id, sequence))
        """;

    /// <summary>A fresh SQLite file with the plain table, in WAL with synchronous NORMAL (the coordinator's settings).</summary>
    private static SqliteConnection OpenPlainSqlite(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var setup = connection.CreateCommand();
        setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " + PlainTable.Replace("{bytes}", "BLOB", StringComparison.Ordinal);
        setup.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Rows per second of plain batched inserts into a fresh SQLite file in <paramref name="directory"/> (WAL, synchronous NORMAL: the coordinator's settings).</summary>
    public static double PlainSqlite(string directory, int agents, int each, int batch)
    {
        using var connection = OpenPlainSqlite(Path.Combine(directory, "plain.db"));

        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        for (var a = 0; a < agents; a++)
        {
            foreach (var rows in Batches(each, batch))
            {
                using var transaction = connection.BeginTransaction();
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO plain VALUES (@agent, @seq, @produced, 'Link', @payload, @now, @link)";
                insert.Parameters.AddWithValue("@agent", $"bench-agent-{a}");
                insert.Parameters.AddWithValue("@now", now);
                var seq = insert.Parameters.Add("@seq", SqliteType.Integer);
                var produced = insert.Parameters.Add("@produced", SqliteType.Integer);
                var payload = insert.Parameters.Add("@payload", SqliteType.Blob);
                var link = insert.Parameters.Add("@link", SqliteType.Integer);
                foreach (var r in rows)
                {
                    (seq.Value, produced.Value, payload.Value, link.Value) = (r.Sequence, r.ProducedUnixMs, r.ToByteArray(), r.Link.LinkId);
                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
            }
        }

        return (double)agents * each / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The same inserts bound by position through SQLitePCLRaw, as the coordinator's writer binds its results insert: what
    /// SQLite itself does with these rows, without Microsoft.Data.Sqlite's per-execution binding by name.
    /// </summary>
    public static double PlainSqliteByPosition(string directory, int agents, int each, int batch)
    {
        using var connection = OpenPlainSqlite(Path.Combine(directory, "plain-by-position.db"));

        var db = connection.Handle!;
        void Check(int rc)
        {
            if (rc is not SQLitePCL.raw.SQLITE_OK and not SQLitePCL.raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
        }

        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        for (var a = 0; a < agents; a++)
        {
            foreach (var rows in Batches(each, batch))
            {
                using var transaction = connection.BeginTransaction();
                Check(SQLitePCL.raw.sqlite3_prepare_v2(db, "INSERT INTO plain VALUES (?1, ?2, ?3, 'Link', ?4, ?5, ?6)", out var insert));
                using (insert)
                {
                    Check(SQLitePCL.raw.sqlite3_bind_text(insert, 1, $"bench-agent-{a}"));
                    Check(SQLitePCL.raw.sqlite3_bind_text(insert, 5, now));
                    foreach (var r in rows)
                    {
                        Check(SQLitePCL.raw.sqlite3_bind_int64(insert, 2, r.Sequence));
                        Check(SQLitePCL.raw.sqlite3_bind_int64(insert, 3, r.ProducedUnixMs));
                        Check(SQLitePCL.raw.sqlite3_bind_blob(insert, 4, r.ToByteArray()));
                        Check(SQLitePCL.raw.sqlite3_bind_int64(insert, 6, r.Link.LinkId));
                        Check(SQLitePCL.raw.sqlite3_step(insert));
                        Check(SQLitePCL.raw.sqlite3_reset(insert));
                    }
                }

                transaction.Commit();
            }
        }

        return (double)agents * each / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Rows per second of plain batched inserts (one unnest INSERT per batch, one transaction each) over one connection.</summary>
    public static double PlainPostgres(string connectionString, int agents, int each, int batch)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var setup = new NpgsqlCommand("DROP TABLE IF EXISTS plain; " + PlainTable.Replace("{bytes}", "BYTEA", StringComparison.Ordinal), connection))
        {
            setup.ExecuteNonQuery();
        }

        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        for (var a = 0; a < agents; a++)
        {
            foreach (var rows in Batches(each, batch))
            {
                using var transaction = connection.BeginTransaction();
                using var insert = new NpgsqlCommand(
                    "INSERT INTO plain SELECT @agent, u.s, u.p, 'Link', u.b, @now, u.l FROM unnest(@seqs, @produced, @payloads, @links) AS u(s, p, b, l)",
                    connection,
                    transaction);
                insert.Parameters.AddWithValue("agent", $"bench-agent-{a}");
                insert.Parameters.AddWithValue("now", now);
                insert.Parameters.AddWithValue("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, rows.Select(r => r.Sequence).ToArray());
                insert.Parameters.AddWithValue("produced", NpgsqlDbType.Array | NpgsqlDbType.Bigint, rows.Select(r => r.ProducedUnixMs).ToArray());
                insert.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea, rows.Select(r => r.ToByteArray()).ToArray());
                insert.Parameters.AddWithValue("links", NpgsqlDbType.Array | NpgsqlDbType.Integer, rows.Select(r => r.Link.LinkId).ToArray());
                insert.ExecuteNonQuery();
                transaction.Commit();
            }
        }

        using (var drop = new NpgsqlCommand("DROP TABLE plain", connection))
        {
            drop.ExecuteNonQuery();
        }

        return (double)agents * each / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Results per second of the repository's own <c>StoreAsync</c>, <paramref name="parallel"/> agents at once
    /// as the uplink handlers call it, on a repository the caller made for the purpose (its results are left there).
    /// </summary>
    public static async Task<double> DirectAsync(CoordinatorRepository repository, int agents, int each, int batch, int parallel)
    {
        for (var a = 0; a < agents; a++)
        {
            repository.Agents.Register(new RegisterRequest { AgentId = $"direct-agent-{a}", Site = "bench", Version = "bench" });
        }

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, agents), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (a, _) =>
        {
            foreach (var rows in Batches(each, batch))
            {
                await repository.Results.StoreAsync($"direct-agent-{a}", rows).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return (double)agents * each / clock.Elapsed.TotalSeconds;
    }
}
