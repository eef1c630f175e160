using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Central.Hosting;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Hosting.Security;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Sync;

/// <summary>The coordinator on TLS with a development CA: agents that trust the CA connect, others are refused.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-tls-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<CoordinatorStatus> AgentStatus(int port, string name, string? caFile, DevelopmentCertificateFiles? client = null, string? folder = null)
    {
        folder ??= name;
        var settings = new Dictionary<string, string?>
        {
            ["Agent:Site"] = "tls",
            ["Agent:DataDirectory"] = Path.Combine(_dir, folder),
            ["Agent:Ingest:MqttEnabled"] = "false",
            ["Agent:Ingest:TailDirectory"] = _dir,
            ["Agent:Coordinator:Address"] = $"https://localhost:{port}",
            ["Agent:Coordinator:AgentId"] = name,
            ["Agent:Logging:ConsoleLevel"] = "None",
        };
        if (caFile is not null)
        {
            settings["Agent:Coordinator:CaFile"] = caFile;
        }

        if (client is not null)
        {
            settings["Agent:Coordinator:ClientCertificateFile"] = client.ClientCertificate;
            settings["Agent:Coordinator:ClientKeyFile"] = client.ClientKey;
        }

        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(settings));
        await agent.StartAsync();
        var path = Path.Combine(_dir, folder, AgentStatusDocument.FileName);
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                if (File.Exists(path)
                    && JsonSerializer.Deserialize<AgentStatusDocument>(await File.ReadAllBytesAsync(path), AgentStatusDocument.JsonOptions)?.Coordinator is { } c
                    && (c.Connected || c.LastError is not null))
                {
                    return c;
                }

                await Task.Delay(100);
            }
        }
        finally
        {
            await agent.StopAsync();
        }

        Assert.Fail("the agent never reported its coordinator link");
        return null!;
    }

    [Fact]
    public async Task Certificate_RenewedOnDisk_ServedToNewConnectionsWithoutARestart_ABrokenPairKeepsTheOld()
    {
        var first = DevelopmentCertificates.Write(Path.Combine(_dir, "first"));
        var renewed = DevelopmentCertificates.Write(Path.Combine(_dir, "renewed"));
        var live = Directory.CreateDirectory(Path.Combine(_dir, "live")).FullName;
        var (certificateFile, keyFile) = (Path.Combine(live, "server.pem"), Path.Combine(live, "server.key"));
        File.Copy(first.ServerCertificate, certificateFile);
        File.Copy(first.ServerKey, keyFile);
        var port = LoopbackPort.Free();
        await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
            ["Coordinator:Tls:CertificateFile"] = certificateFile,
            ["Coordinator:Tls:KeyFile"] = keyFile,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await coordinator.StartAsync();
        string Thumbprint(string pem) => System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(pem)).Thumbprint;

        var before = await ServedThumbprint(port);
        File.Copy(renewed.ServerKey, keyFile, overwrite: true);
        File.Copy(renewed.ServerCertificate, certificateFile, overwrite: true);
        var after = await ServedThumbprint(port, until: Thumbprint(renewed.ServerCertificate));
        await File.WriteAllTextAsync(certificateFile, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        var broken = new List<string>();
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(2.5);)
        {
            broken.Add(await ServedThumbprint(port));
        }

        Assert.Equal(Thumbprint(first.ServerCertificate), before);
        Assert.Equal(Thumbprint(renewed.ServerCertificate), after);
        Assert.All(broken, t => Assert.Equal(after, t));
    }

    /// <summary>
    /// The thumbprint of the certificate a new TLS connection gets (any HTTP answer will do); with <paramref name="until"/>,
    /// new connections are tried for up to 10 s until that one is served.
    /// </summary>
    private static async Task<string> ServedThumbprint(int port, string? until = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string? served = null;
            using var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                // Only which certificate is served matters here, not whom it is from.
                served = certificate?.GetCertHashString();
                return served is not null;
            };
            using var client = new HttpClient(handler) { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using var response = await client.GetAsync(new Uri($"https://localhost:{port}/"));
            Assert.NotNull(served);
            if (until is null || served == until || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return served;
            }

            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Tls_AgentTrustingTheCaConnects_AgentWithoutItIsRefused()
    {
        var certificates = DevelopmentCertificates.Write(Path.Combine(_dir, "pki"));
        var port = LoopbackPort.Free();
        await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
            ["Coordinator:Tls:CertificateFile"] = certificates.ServerCertificate,
            ["Coordinator:Tls:KeyFile"] = certificates.ServerKey,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await coordinator.StartAsync();

        var trusted = await AgentStatus(port, "trusted", certificates.CaCertificate);
        var untrusted = await AgentStatus(port, "untrusted", null);

        Assert.True(trusted.Connected, trusted.LastError);
        Assert.False(untrusted.Connected);
        Assert.NotNull(untrusted.LastError);
    }

    [Fact]
    public async Task ClientCertificate_NamingTheAgent_Authenticates_OtherwiseUnauthenticated()
    {
        var certificates = DevelopmentCertificates.Write(Path.Combine(_dir, "pki"), clientName: "du-cert");
        var stranger = DevelopmentCertificates.Write(Path.Combine(_dir, "other-pki"), clientName: "du-cert");
        var port = LoopbackPort.Free();
        await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
            ["Coordinator:Tls:CertificateFile"] = certificates.ServerCertificate,
            ["Coordinator:Tls:KeyFile"] = certificates.ServerKey,
            ["Coordinator:Tls:ClientCaFile"] = certificates.CaCertificate,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await coordinator.StartAsync();

        var named = await AgentStatus(port, "du-cert", certificates.CaCertificate, certificates);
        var wrongName = await AgentStatus(port, "du-other", certificates.CaCertificate, certificates);
        var otherCa = await AgentStatus(port, "du-cert", certificates.CaCertificate, stranger with { CaCertificate = certificates.CaCertificate }, folder: "du-cert-stranger");
        var none = await AgentStatus(port, "du-none", certificates.CaCertificate);

        Assert.True(named.Connected, named.LastError);
        foreach (var (what, s) in new[] { ("named another agent", wrongName), ("signed by another CA", otherCa), ("no certificate", none) })
        {
            Assert.False(s.Connected, $"a certificate {what} was accepted");
            Assert.Contains("Unauthenticated", s.LastError, StringComparison.Ordinal);
        }
    }
}
