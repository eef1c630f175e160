using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// One SQLite statement, prepared once on the repository's connection and bound by position through SQLitePCLRaw, the
/// layer Microsoft.Data.Sqlite is built on. Microsoft.Data.Sqlite binds every parameter by name on every execution,
/// encoding the name to UTF-8 and looking it up in the statement: for the results insert, run once per stored row, that
/// was more of the writer's time than SQLite's own work (profiled with <c>bench sync</c>). A statement written with
/// names (the SQL the two engines share) has each name's position looked up once, with <see cref="Parameter"/>. A binding
/// stays until it is bound again, so what a whole batch shares is bound once. Runs inside whatever transaction the
/// connection has open. Not thread-safe: the SQLite writer alone uses it.
/// </summary>
internal sealed class PositionalStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public PositionalStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>The position of a named parameter (<c>@name</c>), to bind it by position from then on.</summary>
    public int Parameter(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, name);
        return index > 0 ? index : throw new ArgumentException($"the statement has no parameter {name}", nameof(name));
    }

    /// <param name="index">1-based, in the order the statement's parameters appear.</param>
    public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    /// <param name="index">1-based, in the order the statement's parameters appear.</param>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <param name="index">1-based, in the order the statement's parameters appear.</param>
    public void Bind(int index, long? value) => Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    /// <param name="index">1-based, in the order the statement's parameters appear.</param>
    public void Bind(int index, string? value) => Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

    /// <param name="index">1-based, in the order the statement's parameters appear.</param>
    public void Bind(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Runs the statement with its current bindings; the rows it changed (0 for an insert that met a conflict and did nothing).</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        var changed = rc == raw.SQLITE_DONE ? raw.sqlite3_changes(_db) : 0;
        raw.sqlite3_reset(_statement);
        if (rc is not raw.SQLITE_DONE and not raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return changed;
    }

    /// <summary>Runs a statement that reads one integer (its first row's first column; 0 when that is NULL).</summary>
    public long ExecuteInt64()
    {
        var rc = raw.sqlite3_step(_statement);
        var value = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_statement, 0) : 0;
        raw.sqlite3_reset(_statement);
        if (rc is not raw.SQLITE_DONE and not raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return value;
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
