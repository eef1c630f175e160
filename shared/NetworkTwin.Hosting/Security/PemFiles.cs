using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetworkTwin.Hosting.Security;

/// <summary>Loading the TLS files both services and the CLI read: CA bundles, and what counts as a file that does not load.</summary>
public static class PemFiles
{
    /// <summary>The certificates of a PEM bundle (several during a CA rotation); a file with none is refused rather than trusting nobody.</summary>
    public static X509Certificate2Collection LoadBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(path);
        return bundle.Count > 0 ? bundle : throw new CryptographicException($"{path} holds no PEM certificate");
    }

    /// <summary>
    /// Why a bundle does not load, or null when it does (what it loaded is disposed): for checks at start, which report
    /// every problem at once.
    /// </summary>
    public static string? BundleProblem(string path)
    {
        try
        {
            foreach (var certificate in LoadBundle(path))
            {
                certificate.Dispose();
            }

            return null;
        }
        catch (Exception ex) when (IsLoadFailure(ex))
        {
            return Reason(ex);
        }
    }

    /// <summary>Why a certificate and its key do not load as a pair, or null when they do.</summary>
    public static string? PairProblem(string certificateFile, string keyFile)
    {
        try
        {
            using var pair = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            return null;
        }
        catch (Exception ex) when (IsLoadFailure(ex))
        {
            return Reason(ex);
        }
    }

    /// <summary>The exception's message for a sentence of ours: without the final period or an argument's "(Parameter 'x')".</summary>
    public static string Reason(Exception ex)
    {
        var message = ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message;
        return message.TrimEnd().TrimEnd('.');
    }

    /// <summary>
    /// The exceptions of TLS files that do not load (not PEM, a key that is not the certificate's, half written, not
    /// readable): the user's to fix, reported with the file, never a crash.
    /// </summary>
    public static bool IsLoadFailure(Exception ex) =>
        ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException;
}
