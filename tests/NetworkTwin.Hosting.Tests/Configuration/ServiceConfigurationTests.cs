using Microsoft.Extensions.Configuration;

namespace NetworkTwin.Hosting.Tests.Configuration;

public sealed class ServiceConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-config-").FullName;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("NETWORKTWIN_CONFIG_FILE", null);
        Environment.SetEnvironmentVariable("NETWORKTWIN_LayerTest__FromEnvironment", null);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Layers_AppSettingsThenSiteFileThenEnvironmentThenCommandLine()
    {
        var appsettings = Path.Combine(_dir, "appsettings.json");
        var site = Path.Combine(_dir, "site.json");
        File.WriteAllText(appsettings, """{"LayerTest":{"FromApp":"app","FromSite":"app","FromEnvironment":"app","FromCommandLine":"app"}}""");
        File.WriteAllText(site, """{"LayerTest":{"FromSite":"site","FromEnvironment":"site","FromCommandLine":"site"}}""");
        Environment.SetEnvironmentVariable("NETWORKTWIN_CONFIG_FILE", site);
        Environment.SetEnvironmentVariable("NETWORKTWIN_LayerTest__FromEnvironment", "environment");
        var builder = new ConfigurationBuilder().AddJsonFile(appsettings);

        ServiceConfiguration.Layer(builder, "agent", ["--LayerTest:FromCommandLine=command-line"]);
        var configuration = builder.Build();

        Assert.Equal("app", configuration["LayerTest:FromApp"]);
        Assert.Equal("site", configuration["LayerTest:FromSite"]);
        Assert.Equal("environment", configuration["LayerTest:FromEnvironment"]);
        Assert.Equal("command-line", configuration["LayerTest:FromCommandLine"]);
    }

    [Fact]
    public void SiteFile_DefaultsToEtcOnLinux()
    {
        Environment.SetEnvironmentVariable("NETWORKTWIN_CONFIG_FILE", null);

        Assert.Equal(OperatingSystem.IsWindows() ? "agent.json" : "/etc/networktwin/agent.json", OperatingSystem.IsWindows() ? Path.GetFileName(ServiceConfiguration.SiteFile("agent")) : ServiceConfiguration.SiteFile("agent"));
    }
}
