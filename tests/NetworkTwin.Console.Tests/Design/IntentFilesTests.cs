using NetworkTwin.Console.Design;

namespace NetworkTwin.Console.Tests.Design;

public sealed class IntentFilesTests
{
    [Theory]
    [InlineData("name: x\nsites:\n", true, "sites: must not be empty.")]
    [InlineData("name: x\nsites:\n  - ~\n  - { id: a, lat: 1, lon: 2 }\n", true, "sites[0]: must not be empty.")]
    [InlineData("{\"name\": \"x\", \"sharedRisks\": [{\"name\": \"duct\", \"links\": null}]}", false, "sharedRisks[0].links: must not be empty.")]
    [InlineData("{\"name\": \"x\", \"constraints\": null}", false, "constraints: must not be empty.")]
    public void Parse_AFieldLeftEmpty_NamesItInsteadOfCrashing(string text, bool yaml, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => IntentFiles.Parse(text, "intent", yaml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
