using System.Reflection;

namespace NetworkTwin.Hosting;

/// <summary>The one version every NetworkTwin assembly carries (<c>&lt;Version&gt;</c> in Directory.Build.props, plus the commit).</summary>
public static class ProductVersion
{
    /// <summary>Such as 0.5.0+4a430d4...; "0" when the build did not stamp it.</summary>
    public static string Text { get; } = typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
}
