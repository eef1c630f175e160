namespace NetworkTwin.Console.Tests.Cli;

public class NumberOptionTests
{
    [Theory]
    [InlineData("--loss", "0,01")]
    [InlineData("--buffer-us", "1,430")]
    public async Task NumberWithAComma_IsAUsageErrorNamingTheOption_NotTenTimesOff(string option, string value)
    {
        // The invariant culture reads "0,01" as 1 (the comma as a thousands separator): a loss target of 100%.
        var (exit, output) = await CliRunner.RunAsync("lab", "analyze", "fronthaul", "--data", "/nonexistent", option, value);

        Assert.Equal(2, exit);
        Assert.Contains($"error: {option} takes a number with '.' as the decimal point and no thousands separator (got '{value}').", output, StringComparison.Ordinal);
    }
}
