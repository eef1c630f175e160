using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace NetworkTwin.Testing.Launchers;

/// <summary>
/// A throw-away PostgreSQL cluster for tests, benchmarks and the demo: Debian's postgresql
/// binaries (<c>initdb</c>, <c>pg_ctl</c>), a fresh data directory, a free loopback port, a
/// generated password (scram-sha-256), and everything removed on dispose. PostgreSQL refuses to
/// run as root, so as root the cluster runs as the <c>postgres</c> user the package creates.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string Database = "networktwin";
    private const string User = "networktwin";

    private readonly string _bin;
    private readonly string? _runAs;
    private bool _running;

    private PostgresCluster(string bin, string directory, int port, string password, string? runAs)
    {
        (_bin, Directory, Port, Password, _runAs) = (bin, directory, port, password, runAs);
    }

    public string Directory { get; }

    private string _serverOptions = string.Empty;

    public int Port { get; }

    public string Password { get; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = Database,
        Username = User,
        Password = Password,
        MaxPoolSize = 32,
    }.ToString();

    /// <summary>The folder holding initdb and pg_ctl: PATH first, then the newest /usr/lib/postgresql/N/bin.</summary>
    public static string? FindBinaries()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        const string Debian = "/usr/lib/postgresql";
        return System.IO.Directory.Exists(Debian)
            ? System.IO.Directory.GetDirectories(Debian)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
    }

    /// <summary>Creates and starts a cluster on a free loopback port with an empty database <c>networktwin</c>.</summary>
    public static async Task<PostgresCluster> StartAsync(int port, CancellationToken cancellationToken = default)
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException("PostgreSQL is not installed (no initdb/pg_ctl on PATH or under /usr/lib/postgresql); install the Debian package postgresql");
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var directory = System.IO.Directory.CreateTempSubdirectory("nt-pg-").FullName;
        var cluster = new PostgresCluster(bin, directory, port, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), runAs);
        try
        {
            var passwordFile = Path.Combine(directory, "pwfile");
            await File.WriteAllTextAsync(passwordFile, cluster.Password, cancellationToken).ConfigureAwait(false);
            if (runAs is not null)
            {
                await RunAsync("chown", ["-R", runAs, directory], null, cancellationToken).ConfigureAwait(false);
            }

            var data = Path.Combine(directory, "data");
            await cluster.PgAsync("initdb", ["-D", data, "-U", User, "-A", "scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--no-sync"], cancellationToken).ConfigureAwait(false);
            File.Delete(passwordFile);
            cluster._serverOptions = $"-p {port} -c listen_addresses=127.0.0.1 -k {directory} -c fsync=off -c max_connections=100";
            await cluster.StartServerAsync(cancellationToken).ConfigureAwait(false);
            await cluster.CreateDatabaseAsync(Database, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates another empty database on the server; returns its connection string.</summary>
    /// <param name="name">A plain identifier (letters, digits, underscores).</param>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"'{name}' is not a plain identifier", nameof(name));
        }

        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ToString()))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    /// <summary>
    /// Restarts the server as an operator's <c>systemctl restart postgresql</c> does (fast shutdown: open connections are
    /// cut, then it starts again on the same port and data), for the soak's failures.
    /// </summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) =>
        PgAsync("pg_ctl", ["-D", Path.Combine(Directory, "data"), "-l", Path.Combine(Directory, "postgres.log"), "-m", "fast", "-w", "-t", "60", "restart"], cancellationToken);

    /// <summary>Stops the server (fast shutdown: open connections are cut) until <see cref="StartServerAsync"/>: the database away.</summary>
    public async Task StopServerAsync(CancellationToken cancellationToken = default)
    {
        await PgAsync("pg_ctl", ["-D", Path.Combine(Directory, "data"), "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken).ConfigureAwait(false);
        _running = false;
    }

    /// <summary>Starts the server on its port and data (again, after <see cref="StopServerAsync"/>).</summary>
    public async Task StartServerAsync(CancellationToken cancellationToken = default)
    {
        await PgAsync("pg_ctl", ["-D", Path.Combine(Directory, "data"), "-l", Path.Combine(Directory, "postgres.log"), "-o", _serverOptions, "-w", "-t", "60", "start"], cancellationToken).ConfigureAwait(false);
        _running = true;
    }

    /// <summary>The server's log (for failure messages).</summary>
    public string Log()
    {
        var path = Path.Combine(Directory, "postgres.log");
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            _running = false;
            try
            {
                await PgAsync("pg_ctl", ["-D", Path.Combine(Directory, "data"), "-m", "immediate", "-w", "stop"], CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the folder is removed anyway.
            }
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task PgAsync(string tool, string[] args, CancellationToken cancellationToken) => _runAs is null
        ? RunAsync(Path.Combine(_bin, tool), args, null, cancellationToken)
        : RunAsync("runuser", ["-u", _runAs, "--", Path.Combine(_bin, tool), .. args], Directory, cancellationToken);

    private static async Task RunAsync(string file, string[] args, string? workingDirectory, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? string.Empty };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args.Take(3))} ... failed with exit code {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()} {(await output.ConfigureAwait(false)).Trim()}");
        }
    }
}
