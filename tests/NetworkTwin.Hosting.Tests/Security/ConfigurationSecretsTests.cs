using Microsoft.Extensions.Configuration;
using NetworkTwin.Hosting.Security;

namespace NetworkTwin.Hosting.Tests.Security;

public sealed class ConfigurationSecretsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-secrets-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("Agent:Coordinator:Token", "s3cret-token-of-16", true)]
    [InlineData("Mqtt:Password", "pw", true)]
    [InlineData("Coordinator:AgentTokens:du-paris-1", "s3cret-token-of-16", true)]
    [InlineData("Coordinator:OperatorTokens:noc", "s3cret-token-of-16", true)]
    [InlineData("Coordinator:Repository:ConnectionString", "Host=db;Username=twin;Password=x", true)]
    [InlineData("Coordinator:Repository:ConnectionString", "Data Source=/var/lib/networktwin/central/repository.db", false)]
    [InlineData("Agent:Coordinator:Token", "", false)]
    [InlineData("Coordinator:OperatorRoles:noc", "viewer", false)]
    [InlineData("Agent:Coordinator:TokenRefreshSeconds", "30", false)]
    public void IsSecret_Key_RecognisesTokensPasswordsAndConnectionStringsWithAPassword(string key, string value, bool secret) =>
        Assert.Equal(secret, ConfigurationSecrets.IsSecret(key, value));

    [Fact]
    public void Problems_WorldReadableFileHoldingAToken_RefusedNamingTheFileTheKeyAndTheFix()
    {
        var file = Settings("""{"Agent":{"Coordinator":{"Token":"s3cret-token-of-16"}}}""", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var problem = Assert.Single(ConfigurationSecrets.Problems(new ConfigurationBuilder().AddJsonFile(file).Build()));

        Assert.Contains(file, problem, StringComparison.Ordinal);
        Assert.Contains("Agent:Coordinator:Token", problem, StringComparison.Ordinal);
        Assert.Contains("can read it", problem, StringComparison.Ordinal);
        Assert.Contains($"chmod 640 {file}", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_WorldWritableFileHoldingAToken_Refused()
    {
        var file = Settings("""{"Coordinator":{"OperatorTokens":{"noc":"s3cret-token-of-16"}}}""", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);

        var problem = Assert.Single(ConfigurationSecrets.Problems(new ConfigurationBuilder().AddJsonFile(file).Build()));

        Assert.Contains("can change it", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_Mode640FileHoldingAToken_Accepted()
    {
        var file = Settings("""{"Agent":{"Coordinator":{"Token":"s3cret-token-of-16"}}}""", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        Assert.Empty(ConfigurationSecrets.Problems(new ConfigurationBuilder().AddJsonFile(file).Build()));
    }

    [Fact]
    public void Problems_WorldReadableFileWithoutSecrets_Accepted()
    {
        var file = Settings("""{"Agent":{"Site":"paris","Coordinator":{"Token":""}}}""", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.Empty(ConfigurationSecrets.Problems(new ConfigurationBuilder().AddJsonFile(file).Build()));
    }

    [Fact]
    public void OnCommandLine_TokenSwitch_NamedButNotItsValue()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Mqtt:Password", "from-a-file")])
            .AddCommandLine(["--Agent:Coordinator:Token=s3cret-token-of-16", "--Agent:Site=paris"])
            .Build();

        Assert.Equal(["Agent:Coordinator:Token"], ConfigurationSecrets.OnCommandLine(configuration));
    }

    private string Settings(string json, UnixFileMode mode)
    {
        var file = Path.Combine(_dir, "agent.json");
        File.WriteAllText(file, json);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, mode);
        }

        return file;
    }
}
