using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Central.Service;
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

    /// <summary>A coordinator on TLS with <paramref name="certificateFile"/>, and agents' certificates checked against <paramref name="clientCaFile"/> when given.</summary>
    private WebApplication Coordinator(int port, string certificateFile, string keyFile, string? clientCaFile = null) =>
        CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
            ["Coordinator:Tls:CertificateFile"] = certificateFile,
            ["Coordinator:Tls:KeyFile"] = keyFile,
            ["Coordinator:Tls:ClientCaFile"] = clientCaFile,
            ["Logging:LogLevel:Default"] = "Warning",
        }));

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
        await using var coordinator = Coordinator(port, certificateFile, keyFile);
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
        await using var coordinator = Coordinator(port, certificates.ServerCertificate, certificates.ServerKey);
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
        await using var coordinator = Coordinator(port, certificates.ServerCertificate, certificates.ServerKey, certificates.CaCertificate);
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

    [Fact]
    public async Task ClientCa_ChangedOnDisk_TrustsTheNewBundleWithoutARestart_ABrokenFileKeepsTheOld()
    {
        var current = DevelopmentCertificates.Write(Path.Combine(_dir, "pki"), clientName: "du-old");
        var next = DevelopmentCertificates.Write(Path.Combine(_dir, "next-pki"), clientName: "du-new");
        var caFile = Path.Combine(_dir, "client-ca.pem");
        File.Copy(current.CaCertificate, caFile);
        var port = LoopbackPort.Free();
        await using var coordinator = Coordinator(port, current.ServerCertificate, current.ServerKey, caFile);
        await coordinator.StartAsync();
        var newAgent = next with { CaCertificate = current.CaCertificate };

        var beforeRotation = await AgentStatus(port, "du-new", current.CaCertificate, newAgent, folder: "before");

        // Rotation: the next CA beside the current one (agents on either authenticate), then the old one's agents renewed.
        await File.WriteAllTextAsync(caFile, await File.ReadAllTextAsync(current.CaCertificate) + await File.ReadAllTextAsync(next.CaCertificate));
        await Task.Delay(1100);
        var bothNew = await AgentStatus(port, "du-new", current.CaCertificate, newAgent, folder: "both-new");
        var bothOld = await AgentStatus(port, "du-old", current.CaCertificate, current, folder: "both-old");

        await File.WriteAllTextAsync(caFile, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        await Task.Delay(1100);
        var broken = await AgentStatus(port, "du-new", current.CaCertificate, newAgent, folder: "broken");

        Assert.False(beforeRotation.Connected, "an agent of a CA not yet trusted was accepted");
        Assert.Contains("Unauthenticated", beforeRotation.LastError, StringComparison.Ordinal);
        Assert.True(bothNew.Connected, bothNew.LastError);
        Assert.True(bothOld.Connected, bothOld.LastError);
        Assert.True(broken.Connected, broken.LastError);
    }

    [Fact]
    public void Settings_ClientCaFileWithoutACertificate_IsRefusedAtStart()
    {
        var certificates = DevelopmentCertificates.Write(Path.Combine(_dir, "pki"));
        var caFile = Path.Combine(_dir, "empty-ca.pem");
        File.WriteAllText(caFile, "not PEM at all\n");

        var error = Assert.Throws<ArgumentException>(() => CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
            ["Coordinator:Tls:CertificateFile"] = certificates.ServerCertificate,
            ["Coordinator:Tls:KeyFile"] = certificates.ServerKey,
            ["Coordinator:Tls:ClientCaFile"] = caFile,
        })));

        Assert.Contains($"Coordinator:Tls:ClientCaFile \"{caFile}\" does not load: {caFile} holds no PEM certificate.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CoordinatorSettings_CertificateAndKeyThatAreNotAPair_AreRefusedAtStart()
    {
        var certificates = DevelopmentCertificates.Write(Path.Combine(_dir, "pki"));

        var error = Assert.Throws<ArgumentException>(() => CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
            ["Coordinator:Tls:CertificateFile"] = certificates.ServerCertificate,
            ["Coordinator:Tls:KeyFile"] = certificates.ClientKey,
        })));

        Assert.Contains(
            $"Coordinator:Tls:CertificateFile and KeyFile (\"{certificates.ServerCertificate}\", \"{certificates.ClientKey}\") do not load as a pair:",
            error.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("certificate", "-----BEGIN CERTIFICATE-----\nhalf")]
    [InlineData("key", "renewal pending\n")]
    public async Task AgentCertificate_BrokenAtAReconnect_IsAnOutageWithItsReason_AndPickedUpOnceFixed(string broken, string content)
    {
        var certificates = DevelopmentCertificates.Write(Path.Combine(_dir, "pki"), clientName: "du-renew");
        var live = Directory.CreateDirectory(Path.Combine(_dir, "agent-tls")).FullName;
        var clientCertificate = Path.Combine(live, "client.pem");
        var clientKey = Path.Combine(live, "client.key");
        File.Copy(certificates.ClientCertificate, clientCertificate);
        File.Copy(certificates.ClientKey, clientKey);
        var (file, original) = broken == "certificate" ? (clientCertificate, certificates.ClientCertificate) : (clientKey, certificates.ClientKey);
        var port = LoopbackPort.Free();
        WebApplication NewCoordinator() => Coordinator(port, certificates.ServerCertificate, certificates.ServerKey, certificates.CaCertificate);
        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Site"] = "tls",
            ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
            ["Agent:Ingest:MqttEnabled"] = "false",
            ["Agent:Ingest:TailDirectory"] = _dir,
            ["Agent:Coordinator:Address"] = $"https://localhost:{port}",
            ["Agent:Coordinator:AgentId"] = "du-renew",
            ["Agent:Coordinator:CaFile"] = certificates.CaCertificate,
            ["Agent:Coordinator:ClientCertificateFile"] = clientCertificate,
            ["Agent:Coordinator:ClientKeyFile"] = clientKey,
            ["Agent:Coordinator:ReconnectMaxSeconds"] = "1",
            ["Agent:Logging:ConsoleLevel"] = "None",
        }));
        var statusFile = Path.Combine(_dir, "agent", AgentStatusDocument.FileName);
        async Task<CoordinatorStatus> Await(Func<CoordinatorStatus, bool> wanted)
        {
            for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
            {
                if (File.Exists(statusFile)
                    && JsonSerializer.Deserialize<AgentStatusDocument>(await File.ReadAllBytesAsync(statusFile), AgentStatusDocument.JsonOptions)?.Coordinator is { } c
                    && wanted(c))
                {
                    return c;
                }
            }

            Assert.Fail("the agent never reported the state awaited");
            return null!;
        }

        var first = NewCoordinator();
        await first.StartAsync();
        await agent.StartAsync();
        await Await(c => c.Connected);

        // A renewal caught half written (or a key file without its key yet) when the connection is made again.
        await File.WriteAllTextAsync(file, content);
        await first.DisposeAsync();
        await using var second = NewCoordinator();
        await second.StartAsync();
        var outage = await Await(c => !c.Connected && c.LastError?.Contains("do not load", StringComparison.Ordinal) == true);
        File.Copy(original, file, overwrite: true);
        var fixedAgain = await Await(c => c.Connected);
        var stopping = agent.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
        await agent.StopAsync();

        Assert.StartsWith("the TLS files (Agent:Coordinator:CaFile, ClientCertificateFile, ClientKeyFile) do not load", outage.LastError, StringComparison.Ordinal);
        Assert.True(fixedAgain.Connected);
        Assert.False(stopping, "the agent stopped over a broken certificate file");
    }

    [Fact]
    public void AgentSettings_CertificateAndKeyThatAreNotAPair_AreRefusedAtStart()
    {
        var certificates = DevelopmentCertificates.Write(Path.Combine(_dir, "pki"));

        var error = Assert.ThrowsAny<Exception>(() => AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Site"] = "tls",
            ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
            ["Agent:Coordinator:Address"] = "https://localhost:7070",
            ["Agent:Coordinator:CaFile"] = certificates.ServerKey,
            ["Agent:Coordinator:ClientCertificateFile"] = certificates.ClientCertificate,
            ["Agent:Coordinator:ClientKeyFile"] = certificates.ServerKey,
        })).Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NetworkTwin.Agent.Configuration.AgentOptions>>().Value);

        Assert.Contains($"Agent:Coordinator:CaFile \"{certificates.ServerKey}\" does not load: {certificates.ServerKey} holds no PEM certificate.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Agent:Coordinator:ClientCertificateFile and ClientKeyFile (", error.Message, StringComparison.Ordinal);
        Assert.Contains("do not load as a pair", error.Message, StringComparison.Ordinal);
    }
}
