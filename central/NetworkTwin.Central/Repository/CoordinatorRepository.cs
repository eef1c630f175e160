using System.Data.Common;
using System.Globalization;
using Google.Protobuf;
using NetworkTwin.Contracts.Sync;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The coordinator's repository: one store per aggregate (<see cref="Agents"/>, <see cref="Results"/>,
/// <see cref="Topology"/>, <see cref="Commands"/>, <see cref="Models"/>, <see cref="Decisions"/> with the audit trail,
/// <see cref="Runs"/>, <see cref="Leases"/>) over one database. This class is what the stores share: connections, the
/// migrations (<see cref="RepositoryMigrations"/>) and the dialect's own parts. <see cref="SqliteRepository"/> (a file
/// in the data directory, the default) and <see cref="PostgresRepository"/> (production) differ only in connection
/// handling, the DDL dialect of each migration, how a batch of results is written and how a command is announced to
/// the other replicas.
/// </summary>
public abstract class CoordinatorRepository : IDisposable
{
    protected CoordinatorRepository()
    {
        Agents = new AgentStore(this);
        Results = new ResultStore(this);
        Topology = new TopologyStore(this);
        Models = new ModelStore(this);
        Commands = new CommandStore(this, Models);
        Decisions = new DecisionStore(this);
        Runs = new RunStore(this);
        Designs = new DesignStore(this);
        Leases = new LeaseStore(this);
    }

    /// <summary>The agents that registered.</summary>
    public AgentStore Agents { get; }

    /// <summary>The agents' results and the reads of them.</summary>
    public ResultStore Results { get; }

    /// <summary>The discovered link maps.</summary>
    public TopologyStore Topology { get; }

    /// <summary>Commands to agents.</summary>
    public CommandStore Commands { get; }

    /// <summary>Trained forecast models.</summary>
    public ModelStore Models { get; }

    /// <summary>Control decisions and the audit trail.</summary>
    public DecisionStore Decisions { get; }

    /// <summary>Design and scenario runs.</summary>
    public RunStore Runs { get; }

    /// <summary>The design history every operator shares, and what the recommender learns from.</summary>
    public DesignStore Designs { get; }

    /// <summary>The replicas' leases.</summary>
    public LeaseStore Leases { get; }

    /// <summary>
    /// Stores a batch atomically, as <see cref="ResultStore.StoreAsync"/> describes: each dialect writes it its own way,
    /// both in group commits (<see cref="PendingBatch"/>): on SQLite's one writer, row by row; on PostgreSQL, on a few
    /// connections at once, a statement per group.
    /// </summary>
    protected internal abstract Task<(int Inserted, long StoredThrough)> WriteResultsAsync(string agentId, IReadOnlyList<Result> results, string? traceParent);

    /// <summary>
    /// Transactions the agents' result batches were committed in since the repository opened. Under load several batches
    /// share one, so the batches stored over this is the mean group size.
    /// </summary>
    public long ResultCommits => Interlocked.Read(ref _resultCommits);

    private long _resultCommits;

    /// <summary>Counts a committed transaction of result batches (<see cref="ResultCommits"/>).</summary>
    protected void CountResultCommit() => Interlocked.Increment(ref _resultCommits);

    /// <summary>
    /// Removes the results produced before <paramref name="beforeUnixMs"/>, each dialect its cheapest way (PostgreSQL drops
    /// whole days; SQLite deletes each agent's oldest rows by its key). Returns the rows deleted one by one and the days
    /// dropped whole.
    /// </summary>
    protected internal abstract (long Rows, int Days) ExpireResults(long beforeUnixMs);

    /// <summary>Makes ready where the coming days' results go (PostgreSQL: a partition per day); returns how many were made.</summary>
    protected internal virtual int PrepareResults(long nowUnixMs) => 0;

    /// <summary>Where the data lives, for logs and status: never contains a password.</summary>
    public abstract string Description { get; }

    /// <summary>The schema migrations of this dialect, applied in order, each once.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>How many migrations the database has had.</summary>
    public int SchemaVersion => Run(c => Convert.ToInt32(Scalar(c, null, "SELECT version FROM schema_version"), CultureInfo.InvariantCulture));

    /// <summary>Runs database work on a connection (serialised for SQLite, pooled for PostgreSQL).</summary>
    protected internal abstract T Run<T>(Func<DbConnection, T> work);

    /// <summary>
    /// Runs a read on a connection: by default as <see cref="Run{T}"/>; SQLite reads on connections of their own, which WAL
    /// lets run beside the writer, so a read never waits for a commit nor a commit for a read.
    /// </summary>
    protected internal virtual T Read<T>(Func<DbConnection, T> work) => Run(work);

    /// <summary>
    /// Runs a small write without holding the caller's thread while it waits its turn: by default as <see cref="Run{T}"/>
    /// (PostgreSQL has no turn to wait for); SQLite queues it for its one writer, between group commits.
    /// </summary>
    protected internal virtual Task<T> WriteAsync<T>(Func<DbConnection, T> work)
    {
        try
        {
            return Task.FromResult(Run(work));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    /// <summary>The database's own clock in Unix milliseconds, as SQL: every replica reads one clock for leases.</summary>
    protected internal abstract string NowUnixMsSql { get; }

    /// <summary>Taken inside the migration transaction so that two coordinators starting together migrate once (null: not needed).</summary>
    protected virtual string? MigrationLock => null;

    /// <summary>Creates the version table if needed, then applies each missing migration in its own (locked) transaction.</summary>
    protected void Migrate() => Run(connection =>
    {
        while (true)
        {
            using var transaction = connection.BeginTransaction();
            if (MigrationLock is { } lockSql)
            {
                Execute(connection, transaction, lockSql);
            }

            Execute(connection, transaction, """
                CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
                INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);
                """);

            var version = Convert.ToInt32(Scalar(connection, transaction, "SELECT version FROM schema_version"), CultureInfo.InvariantCulture);
            if (version >= Migrations.Count)
            {
                transaction.Commit();
                return 0;
            }

            Execute(connection, transaction, Migrations[version]);
            Execute(connection, transaction, "UPDATE schema_version SET version = @v", ("v", version + 1));
            transaction.Commit();
        }
    });

    /// <summary>Tells the coordinators listening (<see cref="ListenForCommandsAsync"/>) that the agent has a new command; nothing where the repository is one node's.</summary>
    protected internal virtual void AnnounceCommand(string agentId)
    {
    }

    /// <summary>
    /// Calls <paramref name="agentHasCommands"/> with the agent of every command issued on any coordinator sharing the
    /// repository, until cancelled or the connection fails (the caller listens again); <paramref name="listening"/> is
    /// called once the subscription is in place. Where the repository is one node's there is nothing to hear: it
    /// waits for the cancellation.
    /// </summary>
    protected internal virtual async Task ListenForCommandsAsync(Action<string> agentHasCommands, Action listening, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listening);
        listening();
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a raw statement: for tests that show what the schema itself refuses (the audit trail's triggers).</summary>
    internal int ExecuteForTest(string sql) => Run(connection => Execute(connection, null, sql));

    /// <summary>Whether several coordinators can share this repository as replicas (PostgreSQL), or it is one node's own (SQLite).</summary>
    public virtual bool SharedByReplicas => false;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>
    /// Inserts a row whose payload carries the row's own generated id: the row goes in first
    /// (RETURNING the id), then its payload with the id set, in one transaction.
    /// </summary>
    internal T InsertNumbered<T>(T message, string table, string idColumn, (string Column, object? Value)[] columns, Action<T, long> setId)
        where T : IMessage<T> => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var names = string.Join(", ", columns.Select(c => c.Column));
        var values = string.Join(", ", columns.Select(c => "@" + c.Column));
        var id = Convert.ToInt64(
            Scalar(connection, transaction, $"INSERT INTO {table} ({names}, payload) VALUES ({values}, @payload) RETURNING {idColumn}", [.. columns, ("payload", Array.Empty<byte>())]),
            CultureInfo.InvariantCulture);
        setId(message, id);
        Execute(connection, transaction, $"UPDATE {table} SET payload = @payload WHERE {idColumn} = @id", ("payload", message.ToByteArray()), ("id", id));
        transaction.Commit();
        return message;
    });

    /// <summary>Runs a read and maps every row.</summary>
    internal List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters) => Read(connection =>
    {
        using var command = NewCommand(connection, null, sql, parameters);
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(map(reader));
        }

        return list;
    });
}
