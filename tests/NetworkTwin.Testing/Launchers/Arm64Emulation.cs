using System.Globalization;
using System.Runtime.InteropServices;

namespace NetworkTwin.Testing.Launchers;

/// <summary>
/// Runs an arm64 Linux executable (the native agent the arm64 package ships) on an x64 machine under
/// <c>qemu-aarch64</c> (user-mode emulation), and tells its own memory from the emulator's.
/// </summary>
/// <remarks>
/// qemu is started with <c>-R</c>: it reserves one range of the host's address space for the guest and maps every page
/// the guest maps inside it, while its own code cache and heap (300-400 MB for the agent) lie outside. So the resident pages
/// inside the range are the arm64 process' own, as the kernel would count them on an arm64 box with 4 KiB pages. The range
/// starts at address 0 (qemu puts it there when it is free) and holds the GC's reservation of the address space.
/// Times measured under emulation are the emulator's, not an arm64 core's.
/// </remarks>
public static class Arm64Emulation
{
    /// <summary>The guest's address space: 1 TiB, more than the .NET GC reserves (256 GiB).</summary>
    public const long GuestAddressSpace = 1L << 40;

    private const ushort ElfMachineAarch64 = 0xB7;

    /// <summary>Whether <paramref name="path"/> is an arm64 ELF executable this (x64) machine can only emulate.</summary>
    public static bool Needs(string path) =>
        RuntimeInformation.ProcessArchitecture == Architecture.X64 && OperatingSystem.IsLinux() && ElfMachine(path) == ElfMachineAarch64;

    /// <summary>The ELF machine of <paramref name="path"/> (e_machine, bytes 18-19, little-endian); null if it is not an ELF file.</summary>
    public static ushort? ElfMachine(string path)
    {
        Span<byte> header = stackalloc byte[20];
        try
        {
            using var file = File.OpenRead(path);
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return header[..4].SequenceEqual("\u007fELF"u8) ? (ushort)(header[18] | (header[19] << 8)) : null;
    }

    /// <summary>The emulator and its arguments that run <paramref name="path"/>; fails clearly when qemu-aarch64 is not installed.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) Command(string path)
    {
        var qemu = Executables.OnPath("qemu-aarch64").FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{path} is an arm64 executable; running it on this x64 machine needs qemu-aarch64 (Debian: apt-get install qemu-user; ./build.sh package installs it).");
        return (qemu, ["-R", "0x" + GuestAddressSpace.ToString("x", CultureInfo.InvariantCulture), "-L", "/usr/aarch64-linux-gnu", path]);
    }

    /// <summary>
    /// The resident bytes of the emulated process' own pages: those inside its reserved address range. Fails when
    /// <paramref name="executable"/> is mapped outside that range (qemu put the guest elsewhere), rather than count
    /// the emulator's pages as the agent's.
    /// </summary>
    public static long GuestResident(int processId, string executable)
    {
        long kilobytes = 0;
        var inside = false;
        foreach (var line in File.ReadLines($"/proc/{processId}/smaps"))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            // A mapping's first line starts with its address range ("00400000-00452000 r-xp ..."), its fields with a name.
            if (dash > 0 && long.TryParse(line.AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start))
            {
                inside = start < GuestAddressSpace;
                if (!inside && line.EndsWith(executable, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"qemu mapped {executable} at 0x{start:x}, outside the guest range below 0x{GuestAddressSpace:x}: its memory cannot be told from the emulator's.");
                }
            }
            else if (inside && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                kilobytes += long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return kilobytes * 1024;
    }
}
