using NetworkTwin.Lab.Fuzz;

// networktwin-afl TARGET            run under afl-fuzz: one input per execution on stdin, a crash is any exception
//                                   that is not the target's documented refusal
// networktwin-afl --seeds TARGET DIR  write the target's seeds (the same as networktwin-lab fuzz starts from)
// networktwin-afl --list              the targets
if (args is ["--list"])
{
    foreach (var t in FuzzTargets.All)
    {
        Console.WriteLine($"{t.Name,-16} {t.What}");
    }

    return 0;
}

if (args is ["--seeds", var seedTarget, var folder])
{
    Directory.CreateDirectory(folder);
    var n = 0;
    foreach (var seed in Find(seedTarget).Seeds())
    {
        // afl-fuzz works best with small inputs: the first 16 KiB of a large file is enough to reach its paths.
        File.WriteAllBytes(Path.Combine(folder, $"seed-{n++:D3}"), seed.Length > 16384 ? seed[..16384] : seed);
    }

    Console.WriteLine($"{n} seed(s) in {folder}");
    return 0;
}

if (args is not [var name])
{
    Console.Error.WriteLine("usage: networktwin-afl TARGET | --seeds TARGET DIR | --list");
    return 2;
}

var target = Find(name);
SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    try
    {
        target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }
    catch (Exception ex) when (target.IsRefusal(ex))
    {
        // The parser's documented way of refusing input: not a finding.
    }
});
return 0;

static FuzzTarget Find(string name) => FuzzTargets.All.SingleOrDefault(t => t.Name == name)
    ?? throw new ArgumentException($"no fuzz target '{name}'; --list shows them");
